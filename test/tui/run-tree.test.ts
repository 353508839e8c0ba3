import blessed from 'blessed';
import { describe, expect, it } from 'vitest';
import { displayWidth } from '../../src/core/display-width.js';
import { TASK_STATUSES } from '../../src/core/status-values.js';
import type { TaskRow } from '../../src/core/task-view.js';
import { layoutRects } from '../../src/tui/layout-math.js';
import { loadLayout } from '../../src/tui/layout-preset.js';
import { AppView } from '../../src/tui/view/app-view.js';
import { ScreenHarness } from './blessed-harness.js';
import { update } from '../../src/tui/update.js';
import { runTreeLines } from '../../src/tui/view/run-tree-view.js';
import { ATTENTION_SYMBOL, STATUS_STYLE } from '../../src/tui/view/style.js';
import { task, withTasks } from './state-fixtures.js';

/** What a tree line shows on screen: its text without tags, escaped braces as braces. */
const plain = (line: string) => blessed.stripTags(line.replace(/\{open\}/g, '\u0000o').replace(/\{close\}/g, '\u0000c')).replace(/\u0000o/g, '{').replace(/\u0000c/g, '}');

/** A task as lacp makes them: a real-length id, a minute-long duration, every optional column set. */
const full = (over: Partial<TaskRow> = {}) =>
  task('t-mwv2svhev2c', { tool: 'opencode', phase: 'impl', agent_role: 'coder', duration_ms: 65_000, exit_code: 1, status: 'failed', title: 'fix the flaky login test', ...over });

describe('run tree', () => {
  it("shows a task's title after its state, and cuts the title first when narrow", () => {
    const state = withTasks(task('t-1', { tool: 'opencode', phase: 'impl', duration_ms: 5000, exit_code: 0, status: 'succeeded', title: 'fix the flaky login test' }));
    const wide = runTreeLines(state, 80, 10).join('\n');
    expect(wide).toMatch(/t-1 opencode impl \S+ exit 0 fix the flaky login test/);
    const narrow = runTreeLines(state, 34, 10).join('\n');
    expect(narrow).toContain('exit 0');
    expect(narrow).not.toContain('login test');
  });

  it('a lost task and a task waiting for the human show different symbols, in colour and without', () => {
    const symbols = Object.values(STATUS_STYLE).map((s) => s.symbol);
    expect(new Set(symbols).size).toBe(TASK_STATUSES.length);
    for (const mark of Object.values(ATTENTION_SYMBOL)) expect(symbols).not.toContain(mark);
    let state = withTasks(task('t-lost', { status: 'lost' }), task('t-wait', { status: 'running' }));
    state = { ...state, attention: { 't-wait': 'waiting' } };
    const [, lost, waiting] = runTreeLines(state, 60, 10).map(plain);
    // The symbols before the id (what NO_COLOR leaves) tell the two apart.
    const marks = (line: string) => line.slice(0, line.indexOf(' t-'));
    expect(marks(lost!)).toBe(` ${STATUS_STYLE.lost.symbol}`);
    expect(marks(waiting!)).toBe(` ${STATUS_STYLE.running.symbol}${ATTENTION_SYMBOL.waiting}`);
    expect(marks(lost!).includes(ATTENTION_SYMBOL.waiting)).toBe(false);
  });

  it('fits every width: optional columns go first (title, role, exit), id, tool and duration stay', () => {
    const state = withTasks(full());
    const at = (width: number) => plain(runTreeLines(state, width, 10)[1]!);
    for (const width of [8, 12, 18, 20, 24, 26, 28, 30, 34, 40, 60, 100]) {
      for (const line of runTreeLines(state, width, 10).map(plain)) expect(displayWidth(line), `${width}: '${line}'`).toBeLessThanOrEqual(width);
    }
    expect(at(100)).toBe(' ✘ t-mwv2svhev2c opencode impl/coder 1m05s exit 1 fix the flaky login test');
    // The title is cut, then dropped; then the role is cut and dropped; then the exit code goes.
    expect(at(60)).toBe(' ✘ t-mwv2svhev2c opencode impl/coder 1m05s exit 1 fix the f…');
    expect(at(51)).toBe(' ✘ t-mwv2svhev2c opencode impl/coder 1m05s exit 1');
    expect(at(43)).toBe(' ✘ t-mwv2svhev2c opencode imp… 1m05s exit 1');
    expect(at(41)).toBe(' ✘ t-mwv2svhev2c opencode 1m05s exit 1');
    expect(at(37)).toBe(' ✘ t-mwv2svhev2c opencode 1m05s');
    expect(at(31)).toBe(' ✘ t-mwv2svhev2c opencode 1m05s');
    // Narrower, the tool is cut (to three columns at least) before the duration goes.
    expect(at(29)).toBe(' ✘ t-mwv2svhev2c openc… 1m05s');
    expect(at(26)).toBe(' ✘ t-mwv2svhev2c op… 1m05s');
    // Narrower still: the duration goes, then the tool; the id is cut last.
    expect(at(24)).toBe(' ✘ t-mwv2svhev2c openco…');
    expect(at(20)).toBe(' ✘ t-mwv2svhev2c op…');
    expect(at(18)).toBe(' ✘ t-mwv2svhev2c');
    expect(at(12)).toBe(' ✘ t-mwv2sv…');
  });

  it('the default layout at 100 columns shows id, tool and duration of a shell task', () => {
    // The default preset's runs region at a 100x30 host (less the status line), inside its border.
    const width = layoutRects(loadLayout('default', '/nonexistent').layout, 100, 29).runs!.width - 2;
    const state = withTasks(task('t-mwv2svhev2c', { tool: 'shell', duration_ms: 65_000, title: 'shell' }));
    const line = plain(runTreeLines(state, width, 10)[1]!);
    expect(line).toBe(' ▶ t-mwv2svhev2c shell 1m05s');
  });

  it("a run's title is cut to the tree's width: a run is one row", () => {
    const state = withTasks(full());
    const runs = { ...state, runs: state.runs.map((r) => ({ ...r, title: 'a long title for the run that does not fit' })) };
    const header = plain(runTreeLines(runs, 26, 10)[0]!);
    expect(header).toBe('RUN-1 a long title for th…');
    expect(displayWidth(header)).toBe(26);
  });

  it('a task mark (waiting, idle) takes its column from the same width', () => {
    let state = withTasks(full());
    state = update(state, { type: 'runs', runs: state.runs, pids: {} }).state;
    state = { ...state, attention: { 't-mwv2svhev2c': 'idle' } };
    expect(plain(runTreeLines(state, 32, 10)[1]!)).toBe(` ✘${ATTENTION_SYMBOL.idle} t-mwv2svhev2c opencode 1m05s`);
    expect(plain(runTreeLines(state, 30, 10)[1]!)).toBe(` ✘${ATTENTION_SYMBOL.idle} t-mwv2svhev2c openc… 1m05s`);
  });

  it('on screen (100x30, default layout) each run and task is one row, the selected one too at the exact width', async () => {
    const harness = new ScreenHarness(100, 30, 256, { autoPadding: false, dockBorders: false });
    try {
      const view = new AppView(harness.screen, loadLayout('default', '/nonexistent').layout, { onPaneClick: () => undefined, onWheel: () => undefined });
      // 28 columns inside the tree's border: this row fills them exactly, and it is selected (inverse).
      const exact = task('t-mwv2svhev2cx', { tool: 'bash', mode: 'batch', status: 'succeeded', duration_ms: 65_000 });
      let state = withTasks(task('t-mwv2svhev2ca', { mode: 'batch', status: 'succeeded', tool: 'sh', duration_ms: 1000 }), exact);
      state = { ...state, runs: state.runs.map((r) => ({ ...r, title: 'a long title for the run that does not fit' })) };
      expect(state.selected).toBe('task:t-mwv2svhev2cx');
      view.apply(state, { eventsPerSec: [0], cpuPercent: [0], usage: null }, () => [], '');
      await harness.render();
      const tree = harness.lines().slice(1, 5).map((l) => l.slice(1, 29));
      expect(tree).toEqual([
        'RUN-1 a long title for the …',
        ' ✔ t-mwv2svhev2ca sh 1.0s   ',
        ' ✔ t-mwv2svhev2cx bash 1m05s',
        ' '.repeat(28),
      ]);
    } finally {
      harness.dispose();
    }
  });
});
