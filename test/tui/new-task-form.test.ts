import blessed from 'blessed';
import { describe, expect, it } from 'vitest';
import { displayWidth } from '../../src/core/display-width.js';
import type { AppState, ToolChoice } from '../../src/tui/app-state.js';
import { update } from '../../src/tui/update.js';
import { fieldLine } from '../../src/tui/view/field-line.js';
import { overlayContent, overlayWidth } from '../../src/tui/view/overlay-view.js';
import { KEY_MAP } from '../../src/tui/key-map.js';
import { press, withTasks } from './state-fixtures.js';

const TOOLS: ToolChoice[] = [
  { name: 'shell', mode: 'interactive', description: '', placeholders: [], usesPrompt: false },
  { name: 'greet', mode: 'batch', description: '', placeholders: ['greeting'], usesPrompt: true },
];

function form(...keys: string[]): AppState {
  return press(update(withTasks(), { type: 'tools', tools: TOOLS }).state, ...keys).state;
}

/** The overlay's first line as the screen shows it in a window `cols` wide. */
function promptRow(state: AppState, cols: number, line = 0): string {
  const tagged = overlayContent(state.overlay!, KEY_MAP, () => [], cols).lines[line]!;
  // blessed.escape writes a brace as {open}/{close}: back to braces after the tags are gone.
  return blessed.stripTags(tagged.replace(/\{open\}/g, '\u0001').replace(/\{close\}/g, '\u0002')).replace(/\u0001/g, '{').replace(/\u0002/g, '}');
}

const words = Array.from({ length: 40 }, (_, i) => `word${String(i).padStart(3, '0')}`).join(' ');

describe('the new-task form edits its fields at a cursor', () => {
  it("the tester's case: abc, Left Left, X, Home, Y gives YaXbc, and it is what is submitted", () => {
    const s = form('j', 'enter', 'a', 'b', 'c', 'left', 'left', 'X', 'home', 'Y');
    expect(s.overlay).toMatchObject({ kind: 'new-task', step: 'prompt', prompt: 'YaXbc', cursor: 1 });
    expect(press(s, 'enter', 'enter').effects).toEqual([{ type: 'submit', tool: 'greet', prompt: 'YaXbc', set: {} }]);
  });

  it('a long prompt scrolls: its end and the cursor are on screen, the cut start shows …', () => {
    const s = form('j', 'enter', ...words);
    const row = promptRow(s, 80);
    expect(row).toMatch(/^prompt: {4}…/);
    expect(row.endsWith(`${words.slice(-20)}█`)).toBe(true);
    // The line fits the widest overlay: the window less the margins and the border.
    expect(displayWidth(row)).toBe(80 - 4);
    expect(overlayWidth(overlayContent(s.overlay!, KEY_MAP, () => [], 80), 80)).toBe(78);
    // Home shows the start and a … at the cut end.
    const home = promptRow(press(s, 'home').state, 80);
    expect(home).toMatch(/^prompt: {4}word000 word001/);
    expect(home.endsWith('…')).toBe(true);
  });

  it('a field not being typed in shows its start, cut with …; the one typed in has the cursor', () => {
    const s = form('j', 'enter', ...words, 'enter', 'g', '=', '1');
    expect(promptRow(s, 80)).toMatch(/^prompt: {4}word000 .*…$/);
    expect(promptRow(s, 80)).not.toContain('█');
    expect(promptRow(s, 80, 1)).toBe('variables: g=1█');
  });

  it('↑ goes back to the prompt and ↓ (or Enter) to the variables, each with the cursor at its end', () => {
    let s = form('j', 'enter', 'h', 'i', 'enter', 'x', '=', '1', 'up');
    expect(s.overlay).toMatchObject({ step: 'prompt', prompt: 'hi', vars: 'x=1', cursor: undefined });
    s = press(s, 'left', '!').state;
    expect(s.overlay).toMatchObject({ prompt: 'h!i', cursor: 2 });
    s = press(s, 'down', '2').state;
    expect(s.overlay).toMatchObject({ step: 'vars', vars: 'x=12' });
  });

  it('a tool with no {prompt} goes straight to its variables and submits no prompt', () => {
    const s = form('enter');
    expect(s.overlay).toMatchObject({ step: 'vars' });
    expect(promptRow(s, 80)).toBe('prompt:    none: shell takes no {prompt}');
    // ↑ has no prompt to go back to.
    expect(press(s, 'up').state.overlay).toMatchObject({ step: 'vars' });
    expect(press(s, 'enter').effects).toEqual([{ type: 'submit', tool: 'shell', prompt: null, set: {} }]);
  });
});

describe('the / filter and : palette fields', () => {
  it('the filter edits at its cursor and filters by what is typed', () => {
    const s = press(withTasks(), '/', 's', 'h', 'left', 'x', 'enter').state;
    expect(s.filter).toBe('sxh');
  });

  it('the palette edits at its cursor; moving the cursor keeps the selected command', () => {
    let s = press(withTasks(), ':', 'z', 'm', 'left', 'o', 'o').state;
    expect(s.overlay).toMatchObject({ kind: 'palette', query: 'zoom', cursor: 3 });
    s = press(withTasks(), ':', 'q', 'u', 'i', 't', 'down').state;
    expect(press(s, 'left').state.overlay).toMatchObject({ index: 1 });
  });

  it('a long query scrolls in the palette line too', () => {
    const s = press(withTasks(), ':', ...words).state;
    const row = promptRow(s, 60);
    expect(row.startsWith(': …')).toBe(true);
    expect(row.endsWith('█')).toBe(true);
    expect(displayWidth(row)).toBe(56);
  });

  it('fieldLine draws the character under a cursor in the middle in inverse', () => {
    expect(fieldLine('/ ', 'abc', 1, 80)).toBe('/ a{inverse}b{/inverse}c');
    expect(fieldLine('/ ', 'abc', undefined, 80)).toBe('/ abc█');
  });
});
