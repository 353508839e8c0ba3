import { afterEach, describe, expect, it } from 'vitest';
import blessed from 'blessed';
import { displayWidth } from '../../src/core/display-width.js';
import '../../src/tui/view/blessed-wide-chars.js';
import { runTreeLines } from '../../src/tui/view/run-tree-view.js';
import { ScreenHarness } from './blessed-harness.js';
import { task, withTasks } from './state-fixtures.js';

const COLS = 20;

/** blessed cuts and wraps Element content; an emoji (a surrogate pair) must count two columns there, as it draws. */
describe('blessed wraps and cuts text with emoji by columns', () => {
  let harness: ScreenHarness | undefined;
  afterEach(() => harness?.dispose());

  async function draw(content: string, options: blessed.Widgets.BoxOptions = {}): Promise<blessed.Widgets.BoxElement> {
    harness = new ScreenHarness(COLS, 4);
    const box = blessed.box({ parent: harness.screen, left: 0, top: 0, width: COLS, height: 4, tags: true, content, ...options });
    await harness.render();
    return box;
  }

  it('fills a row with ten emoji (20 columns) before wrapping the rest', async () => {
    await draw('😀'.repeat(13));
    expect(harness!.lines().slice(0, 3)).toEqual(['😀'.repeat(10), '😀'.repeat(3), '']);
  });

  it('fills a row of words and emoji to its last column, breaking after a wide char', async () => {
    await draw('ok 😀😀 go 🫠🫠 a 🚀🚀🚀');
    const rows = harness!.lines().slice(0, 2);
    expect(rows).toEqual(['ok 😀😀 go 🫠🫠 a 🚀', '🚀🚀']);
    expect(displayWidth(rows[0]!)).toBe(COLS);
  });

  it('cuts an unwrapped row at its 20th column, not after the 20th UTF-16 unit', async () => {
    await draw(`${'😀'.repeat(10)}x\n${'中'.repeat(10)}x`, { wrap: false });
    expect(harness!.lines().slice(0, 2)).toEqual(['😀'.repeat(10), '中'.repeat(10)]);
  });

  it('centres and right-aligns a row with emoji by its columns', async () => {
    await draw('{center}😀😀{/center}\n{right}😀😀{/right}');
    expect(harness!.lines().slice(0, 2)).toEqual([`${' '.repeat(8)}😀😀`, `${' '.repeat(16)}😀😀`]);
  });

  it('keeps the emoji of other lines when one line is replaced (setLine rebuilds content from the wrapped lines)', async () => {
    const box = await draw('a😀b\nc🫠d');
    box.setLine(1, 'e');
    await harness!.render();
    expect(harness!.lines().slice(0, 2).map((l) => l.trimEnd())).toEqual(['a😀b', 'e']); // the redraw writes spaces over c🫠d
  });

  it("keeps a run tree row whose title has emoji on one row of the runs pane", async () => {
    const width = 40;
    const state = withTasks(task('t-1', { tool: 'shell', duration_ms: 5000, status: 'running', title: '🚀 ship it 🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀' }));
    harness = new ScreenHarness(width, 6);
    const lines = runTreeLines(state, width - 2, 4);
    // The runs pane's options (app-view.ts): wrap off, since blessed wraps a row as wide as the box that ends in a closing tag.
    blessed.box({ parent: harness.screen, left: 0, top: 0, width, height: 6, border: { type: 'line' }, tags: true, wrap: false, content: lines.join('\n') });
    await harness.render();
    const taskRow = harness.lines().findIndex((l) => l.includes('t-1 shell'));
    expect(harness.lines()[taskRow]).toMatch(/🚀🚀…\s*│$/);
    expect(harness.lines()[taskRow + 1]).toMatch(/^│\s+│$/);
  });
});
