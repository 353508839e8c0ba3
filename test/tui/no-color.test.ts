import { afterEach, describe, expect, it } from 'vitest';
import type { AppView as AppViewType } from '../../src/tui/view/app-view.js';
import { ScreenHarness } from './blessed-harness.js';
import { task, withTasks } from './state-fixtures.js';

// NO_COLOR is read when the style module loads: set it first, then load the views, then
// put it back so no later test file in this worker process sees it.
const before = process.env.NO_COLOR;
process.env.NO_COLOR = '1';
const { AppView } = (await import('../../src/tui/view/app-view.js')) as { AppView: typeof AppViewType };
const { loadLayout } = await import('../../src/tui/layout-preset.js');
if (before === undefined) delete process.env.NO_COLOR;
else process.env.NO_COLOR = before;

/** Any SGR that sets a foreground or background colour (30-37, 38;…, 40-47, 48;…, 90-97, 100-107). */
const COLOUR_SGR = /\x1b\[(?:[\d;]*;)?(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])(?:;[\d;]*)?m/;

describe('NO_COLOR', () => {
  let harness: ScreenHarness | null = null;
  afterEach(() => harness?.dispose());

  it('the whole screen (borders, run tree, metrics and the activity sparkline titles, events, status) carries no colour', async () => {
    harness = new ScreenHarness(100, 50, 256, { autoPadding: false, dockBorders: false });
    const view = new AppView(harness.screen, loadLayout('default', '/nonexistent').layout, { onPaneClick: () => undefined, onWheel: () => undefined });
    view.apply(withTasks(task('t-1'), task('t-2', { status: 'failed', mode: 'batch' })), { eventsPerSec: [0, 1], cpuPercent: [0, 5], usage: null }, () => [], '');
    await harness.render();
    const text = harness.lines().join('\n');
    expect(text).toContain('events/s:');
    expect(text).toContain('cpu %:');
    expect(harness.written).not.toMatch(COLOUR_SGR);
  });
});
