import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disposeChecked, waitFor } from '../helpers/runner-checks.js';
import { TestWorkspace } from '../helpers/workspace.js';
import { startMirror, TestViewer } from './mirror-helpers.js';
import { MAX_PANES } from '../../src/mirror/viewer-session.js';

const TOOLS = `version: 1
defaults:
  kill_grace_sec: 0.3
  max_parallel: 12
tools:
  nap: { mode: batch, cmd: ["sleep", "60"] }
  live: { mode: interactive, cmd: ["sh", "-c", "echo up; sleep 60"] }
`;

let ws: TestWorkspace;
beforeAll(() => {
  ws = new TestWorkspace(TOOLS);
});
afterAll(async () => {
  if (ws) await disposeChecked(ws);
});

type Tree = { runs: Array<{ tasks: Array<{ task_id: string; status: string }> }> };

function statusIn(tree: Record<string, unknown> | undefined, taskId: string): string | undefined {
  return (tree as Tree | undefined)?.runs.flatMap((r) => r.tasks).find((t) => t.task_id === taskId)?.status;
}

describe('mirror feed', () => {
  it('sends the last statuses before the daemon stops, so an open page does not show dead tasks running', async () => {
    const mirror = await startMirror(ws);
    const { taskId } = await ws.run(['nap']);
    const viewer = new TestViewer(mirror);
    expect(await viewer.settled).toBe('open');
    await waitFor('the task running in the tree', () => statusIn(viewer.of('tree').at(-1), taskId) === 'running');
    expect((await ws.lacp(['daemon', 'stop'])).exitCode).toBe(0);
    await waitFor('the viewer to be closed', () => viewer.closeCode !== null);
    expect(statusIn(viewer.of('tree').at(-1), taskId)).toBe('cancelled');
    const log = viewer.of('log').flatMap((m) => m.lines as Array<{ task_id: string; event: string }>);
    expect(log.some((l) => l.task_id === taskId && l.event === 'task_completed')).toBe(true);
  });

  it(`gives a task that found all ${MAX_PANES} panes live the first one to end`, async () => {
    const mirror = await startMirror(ws);
    const ids: string[] = [];
    for (let i = 0; i <= MAX_PANES; i++) ids.push((await ws.run(['live'])).taskId);
    const viewer = new TestViewer(mirror, { ackAll: true });
    expect(await viewer.settled).toBe('open');
    const panes = () => new Set(viewer.of('pane').map((m) => String(m.task_id)));
    await waitFor(`${MAX_PANES} panes`, () => panes().size === MAX_PANES);
    const without = ids.filter((id) => !panes().has(id));
    expect(without).toHaveLength(1);
    const ending = [...panes()][0]!;
    expect((await ws.lacp(['cancel', ending])).exitCode).toBe(0);
    await waitFor('a pane for the task that had none', () => panes().has(without[0]!));
    expect(viewer.of('unpane').map((m) => m.task_id)).toEqual([ending]);
    await viewer.close();
    expect((await ws.lacp(['cancel', ...ids.filter((id) => id !== ending)])).exitCode).toBe(0);
  });
});
