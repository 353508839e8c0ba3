import blessed from 'blessed';
import { afterEach, describe, expect, it } from 'vitest';
import { displayWidth } from '../../src/core/display-width.js';
import type { TaskRow } from '../../src/core/task-view.js';
import { layoutRects, tileRects, type Rect } from '../../src/tui/layout-math.js';
import { loadLayout } from '../../src/tui/layout-preset.js';
import { AppView } from '../../src/tui/view/app-view.js';
import { boxLabel, setBoxLabel } from '../../src/tui/view/style.js';
import { ScreenHarness } from './blessed-harness.js';
import type { AppState } from '../../src/tui/app-state.js';
import { press, task, withTasks } from './state-fixtures.js';

const SAMPLE = { eventsPerSec: [0], cpuPercent: [0], usage: null };
const LAYOUT = loadLayout('default', '/nonexistent').layout;
const nine = (over: Partial<TaskRow> = {}) => Array.from({ length: 9 }, (_, i) => task(`t-mwuyxmla${i}x`, over));

/** The app's view drawn like lacp-tui draws it (no auto padding, no docked borders). */
async function draw(cols: number, rows: number, tasks: TaskRow[]): Promise<ScreenHarness> {
  const harness = new ScreenHarness(cols, rows, 256, { autoPadding: false, dockBorders: false });
  const view = new AppView(harness.screen, LAYOUT, { onPaneClick: () => undefined, onWheel: () => undefined });
  view.apply(withTasks(...tasks), SAMPLE, () => [], '');
  await harness.render();
  return harness;
}

/** The screen text of a rect's columns, row by row (a wide char's right half is ''). */
function cellsOf(harness: ScreenHarness, r: Rect, y: number): string[] {
  const line = harness.host.buffer.active.getLine(y)!;
  return Array.from({ length: r.width }, (_, x) => line.getCell(r.left + x)!.getChars());
}

function expectBoxIntact(harness: ScreenHarness, r: Rect): void {
  const top = cellsOf(harness, r, r.top);
  expect([top[0], top.at(-1), top.at(-2)], `top of ${JSON.stringify(r)}: ${top.join('')}`).toEqual(['┌', '┐', '─']);
  for (let y = r.top + 1; y < r.top + r.height - 1; y++) {
    const row = cellsOf(harness, r, y);
    expect([row[0], row.at(-1)], `row ${y} of ${JSON.stringify(r)}`).toEqual(['│', '│']);
  }
  const bottom = cellsOf(harness, r, r.top + r.height - 1);
  expect([bottom[0], bottom.at(-1)]).toEqual(['└', '┘']);
}

describe('tile titles and small tiles', () => {
  let harness: ScreenHarness | null = null;
  afterEach(() => harness?.dispose());

  it('60x18 with nine panes: each title is cut inside its own top border; corners and right borders stay', async () => {
    harness = await draw(60, 18, nine());
    const rects = tileRects(layoutRects(LAYOUT, 60, 17).terminals!, 9);
    for (const r of rects) expectBoxIntact(harness, r);
    expect(harness.lines()[rects[0]!.top]).toContain('t-mwuyx…');
  });

  it('a title of wide characters is cut by columns', async () => {
    harness = await draw(60, 18, nine({ tool: '漢字漢字漢字漢字' }));
    for (const r of tileRects(layoutRects(LAYOUT, 60, 17).terminals!, 9)) expectBoxIntact(harness, r);
    expect(displayWidth(boxLabel('t-1 漢字漢字漢字', 12, false))).toBeLessThanOrEqual(12 - 4);
    expect(boxLabel('t-1 漢字漢字漢字', 12, false)).toBe(' t-1 … ');
    expect(boxLabel('t-1 漢字漢字漢字', 13, false)).toBe(' t-1 漢… ');
    expect(boxLabel('anything', 6, false)).toBe('');
    expect(boxLabel('{bold}x', 40, true)).toBe(' {open}bold{close}x ');
  });

  it('40x12: tiles too small for a border and a row are not drawn; the grid says so and the event log is untouched', async () => {
    harness = await draw(40, 12, nine());
    const rects = layoutRects(LAYOUT, 40, 11);
    expectBoxIntact(harness, rects.terminals!);
    expectBoxIntact(harness, rects.events!);
    const lines = harness.lines();
    expect(lines[rects.events!.top]).toMatch(/^┌─ events: all runs ─+┐$/);
    expect(lines.slice(rects.terminals!.top, rects.terminals!.top + rects.terminals!.height).join('\n')).toContain('too small');
    expect(lines.slice(rects.events!.top, rects.events!.top + rects.events!.height).join('\n')).not.toMatch(/mla|shell/);
  });

  it('30x10: boxes too low for a title (the metrics, two rows) lose it rather than draw it on their bottom border', async () => {
    harness = await draw(30, 10, nine());
    const lines = harness.lines();
    for (const line of lines.slice(0, -1)) for (const bottom of line.match(/└[^┌└]*/g) ?? []) expect(bottom, line).toMatch(/^└─*┘$/);
    for (const line of lines.slice(0, -1)) for (const top of line.match(/┌[^┌└]*/g) ?? []) expect(top, line).toMatch(/┐$/);
    expect(lines.join('\n')).toContain('too small');
  });

  it('a title going away while blessed has a resize pending does not crash (the terminal made smaller)', async () => {
    // blessed's program takes uncaught exceptions (to restore the terminal): watch for them here.
    const thrown: string[] = [];
    const onThrow = (err: Error) => thrown.push(String(err));
    process.on('uncaughtException', onThrow);
    harness = new ScreenHarness(40, 12, 256, { autoPadding: false, dockBorders: false });
    const box = blessed.box({ parent: harness.screen, border: { type: 'line' }, tags: true, left: 0, top: 0, width: 30, height: 8 });
    setBoxLabel(box, 'metrics', { width: 30, height: 8 });
    await harness.render();
    expect(harness.lines()[0]).toContain(' metrics ');
    // A terminal resize: blessed tells every element, and a labelled one moves its label on the next tick...
    box.emit('resize');
    // ...by which time the frame has found the box too low for a title (lacp-tui died here: 'setting rtop').
    Object.assign(box, { height: 2 });
    setBoxLabel(box, 'metrics', { width: 30, height: 2 });
    await new Promise((resolve) => setImmediate(resolve));
    process.off('uncaughtException', onThrow);
    expect(thrown).toEqual([]);
    await harness.render();
    expect(harness.lines()[0]).not.toContain('metrics');
    // Tall enough again, the title comes back.
    Object.assign(box, { height: 8 });
    setBoxLabel(box, 'metrics', { width: 30, height: 8 });
    await harness.render();
    expect(harness.lines()[0]).toContain(' metrics ');
  });

  it('an overlay in a narrow terminal: its title is cut on its top border, not wrapped over its first rows and its right border', async () => {
    for (const [cols, rows] of [[30, 10], [44, 12], [20, 8]] as const) {
      harness?.dispose();
      harness = new ScreenHarness(cols, rows, 256, { autoPadding: false, dockBorders: false });
      const view = new AppView(harness.screen, LAYOUT, { onPaneClick: () => undefined, onWheel: () => undefined });
      const state: AppState = press(withTasks(task('t-mwuyxmla1x')), ':').state;
      view.apply(state, SAMPLE, () => [], '');
      await harness.render();
      const lines = harness.lines();
      const top = lines.findIndex((l) => l.includes('command palette') || /┌─ c/.test(l));
      expect(top, lines.join('\n')).toBeGreaterThanOrEqual(0);
      const left = lines[top]!.indexOf('┌─ c');
      const topBorder = lines[top]!.slice(left);
      expect(topBorder, lines.join('\n')).toMatch(/^┌─ command[^│┐]*… ─*┐/);
      // The row under it is the palette's input line inside the borders, not the rest of the title.
      expect(lines[top + 1]!.slice(left), lines.join('\n')).toMatch(/^│: █ *│/);
    }
  });
});
