import { describe, expect, it } from 'vitest';
import { overlayHeight, overlayTextRows, overlayWidth, visibleOverlayLines } from '../../src/tui/view/overlay-view.js';
import { text } from '../../src/tui/view/style.js';
import { update } from '../../src/tui/update.js';
import { press, task, withTasks } from './state-fixtures.js';

const numbered = (n: number) => Array.from({ length: n }, (_, i) => `line ${i}`);

describe('what an overlay shows when it is taller than the window', () => {
  it('everything when it fits', () => {
    expect(visibleOverlayLines({ title: 't', lines: numbered(3) }, 5)).toEqual(numbered(3));
  });

  it("a log shows its newest lines", () => {
    expect(visibleOverlayLines({ title: 't', lines: numbered(10), tail: true }, 3)).toEqual(['line 7', 'line 8', 'line 9']);
  });

  it('a log scrolled back shows older lines, never past its first', () => {
    expect(visibleOverlayLines({ title: 't', lines: numbered(10), tail: true, back: 2 }, 3)).toEqual(['line 5', 'line 6', 'line 7']);
    expect(visibleOverlayLines({ title: 't', lines: numbered(10), tail: true, back: 99 }, 3)).toEqual(['line 0', 'line 1', 'line 2']);
  });

  it('the palette keeps its input line and the selected command in view', () => {
    const lines = [': zo█', '', ...numbered(20)];
    expect(visibleOverlayLines({ title: 't', lines, pinned: 2, focus: 2 }, 5)).toEqual([': zo█', '', 'line 0', 'line 1', 'line 2']);
    expect(visibleOverlayLines({ title: 't', lines, pinned: 2, focus: 2 + 15 }, 5)).toEqual([': zo█', '', 'line 13', 'line 14', 'line 15']);
    expect(visibleOverlayLines({ title: 't', lines, pinned: 2, focus: 2 + 19 }, 5)).toEqual([': zo█', '', 'line 17', 'line 18', 'line 19']);
  });

  it('the tool picker scrolls to the selected tool', () => {
    expect(visibleOverlayLines({ title: 't', lines: numbered(12), focus: 9 }, 4)).toEqual(['line 6', 'line 7', 'line 8', 'line 9']);
  });

  it('help starts at its first key and says how much is cut', () => {
    expect(visibleOverlayLines({ title: 't', lines: numbered(10) }, 4)).toEqual(['line 0', 'line 1', 'line 2', '… 7 more (a taller window shows them)']);
  });
});

describe('how wide an overlay is', () => {
  it('wide enough for its longest line counted in columns: a CJK or emoji character takes two', () => {
    const cjk = `{bold}日本語のログ行{/bold}${'x'.repeat(40)}`; // 7 wide characters: 14 columns, then 40
    expect(overlayWidth({ title: 'log', lines: [cjk] }, 200)).toBe(14 + 40 + 4);
    expect(overlayWidth({ title: 'log', lines: ['😀'.repeat(30)] }, 200)).toBe(60 + 4);
  });

  it('counts a brace of the text as the column it takes', () => {
    const braces = text('{'.repeat(30) + '}'.repeat(30)); // escaped as {open} / {close} tags
    expect(overlayWidth({ title: 'log', lines: [braces] }, 200)).toBe(60 + 4);
  });

  it('at least 40 columns, and never wider than the window', () => {
    expect(overlayWidth({ title: 't', lines: ['short'] }, 200)).toBe(40);
    expect(overlayWidth({ title: 't', lines: ['x'.repeat(300)] }, 100)).toBe(98);
  });

  it('the batch log view scrolled all the way back shows its first line at the top (the page update clamps to is the box the view draws)', () => {
    const log = Array.from({ length: 300 }, (_, i) => `line ${i + 1}`);
    // A 48-row screen: 47 rows above the status line, the box a row short of them above and below.
    const area = 47;
    let s = press(withTasks(task('t-b', { mode: 'batch' })), 'enter').state;
    s = update(s, { type: 'log-length', lines: log.length, rows: overlayTextRows(area) }).state;
    const shown = (st: typeof s) => {
      const back = st.overlay?.kind === 'log' ? st.overlay.back : -1;
      return visibleOverlayLines({ title: 't', lines: log, tail: true, back }, overlayHeight(log.length, area) - 2);
    };
    expect(shown(s).at(-1)).toBe('line 300');
    expect(shown(press(s, 'home').state)[0]).toBe('line 1');
    // PgUp all the way gets there too, and the first ↓ after it moves at once.
    const paged = press(s, ...Array<string>(20).fill('pageup')).state;
    expect(shown(paged)[0]).toBe('line 1');
    expect(shown(press(paged, 'down').state)[0]).toBe('line 2');
  });
});
