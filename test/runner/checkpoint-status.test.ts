import { afterAll, describe, expect, it } from 'vitest';
import type { TelemetryEvent } from '../../src/core/events.js';
import { FIXTURES, TestWorkspace } from '../helpers/workspace.js';
import { completionOf, disposeChecked, validateWorkspaceFiles, waitFor } from '../helpers/runner-checks.js';

const TOOLS = `
version: 1
vars:
  code: "0"
tools:
  gate_before:
    cmd: ["sh", "${FIXTURES}/exit-with.sh", "{code}"]
    checkpoint: before
  gate_after:
    cmd: ["sh", "${FIXTURES}/exit-with.sh", "{code}"]
    checkpoint: after
`;

const ws = new TestWorkspace(TOOLS);
afterAll(async () => {
  validateWorkspaceFiles(ws.root);
  await disposeChecked(ws);
});

type Resolved = Extract<TelemetryEvent, { event: 'checkpoint_resolved' }>;

/** Runs TOOL to its checkpoint, resolves it with DECISION, and returns the task's events once it ended. */
async function resolveCheckpoint(tool: string, code: string, decision: 'approve' | 'reject') {
  const { taskId, result } = await ws.run([tool, '--set', `code=${code}`]);
  expect(result.exitCode, String(result.stderr)).toBe(0);
  await waitFor(`${taskId} at its checkpoint`, () => ws.taskEvents(taskId).find((e) => e.event === 'checkpoint_required'));
  expect((await ws.lacp([decision, taskId])).exitCode).toBe(0);
  await waitFor(`${taskId} to end`, () => ws.taskEvents(taskId).find((e) => e.event === 'task_completed'));
  const events = ws.taskEvents(taskId);
  return { resolved: events.find((e): e is Resolved => e.event === 'checkpoint_resolved')!, completed: completionOf(events, taskId), events };
}

/**
 * checkpoint_resolved's status is the task's status once the decision is applied, the
 * rule of every other event that changes it (task_started: running; task_completed: the
 * outcome): a `before` approval queues the task, an `after` approval accepts the held
 * result, a rejection fails it. It never repeats the status the task had while it waited.
 */
describe('checkpoint_resolved: its status is the task status the decision leads to, for both kinds', () => {
  it('checkpoint before: approve -> queued (then it runs), reject -> failed', async () => {
    const approved = await resolveCheckpoint('gate_before', '0', 'approve');
    expect(approved.resolved).toMatchObject({ decision: 'approved', status: 'queued' });
    expect(approved.events.map((e) => e.event)).toEqual(['task_queued', 'checkpoint_required', 'checkpoint_resolved', 'task_started', 'task_completed']);
    const rejected = await resolveCheckpoint('gate_before', '0', 'reject');
    expect(rejected.resolved).toMatchObject({ decision: 'rejected', status: 'failed' });
    expect(rejected.completed).toMatchObject({ status: 'failed', error_class: 'rejected' });
  });

  it('checkpoint after: approve -> the held outcome (succeeded, or failed for a nonzero exit), reject -> failed', async () => {
    const ok = await resolveCheckpoint('gate_after', '0', 'approve');
    expect(ok.resolved).toMatchObject({ decision: 'approved', status: 'succeeded' });
    expect(ok.completed.status).toBe('succeeded');
    const nonzero = await resolveCheckpoint('gate_after', '5', 'approve');
    expect(nonzero.resolved).toMatchObject({ decision: 'approved', status: 'failed' });
    expect(nonzero.completed).toMatchObject({ status: 'failed', exit_code: 5 });
    const rejected = await resolveCheckpoint('gate_after', '0', 'reject');
    expect(rejected.resolved).toMatchObject({ decision: 'rejected', status: 'failed' });
    expect(rejected.completed).toMatchObject({ status: 'failed', error_class: 'rejected' });
    for (const { resolved } of [ok, nonzero, rejected]) expect(resolved.status).not.toBe('awaiting_checkpoint');
  });
});
