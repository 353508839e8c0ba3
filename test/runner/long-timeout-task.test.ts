import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TestWorkspace } from '../helpers/workspace.js';
import { completionOf, disposeChecked, readRecord, validateWorkspaceFiles } from '../helpers/runner-checks.js';

/**
 * Timeouts beyond Node's timer limit (2^31 - 1 ms, ~24.8 days) used to fire at once:
 * the task ended timed_out within milliseconds. The work of each task lasts long
 * enough (a few tenths of a second) for such a premature timer to be caught.
 */
const THIRTY_DAYS_SEC = 2_592_000;
const TOOLS = `
version: 1
defaults:
  kill_grace_sec: ${THIRTY_DAYS_SEC}
tools:
  month_limit:
    cmd: ["sh", "-c", "sleep 0.3; echo done"]
    timeout_sec: ${THIRTY_DAYS_SEC}
  month_idle:
    cmd: ["sh", "-c", "echo start; sleep 0.3; echo done"]
    idle_timeout_sec: ${THIRTY_DAYS_SEC}
`;

const ws = new TestWorkspace(TOOLS);
afterAll(async () => {
  validateWorkspaceFiles(ws.root);
  await disposeChecked(ws);
});

function expectSucceeded(runId: string, taskId: string, stdout: string): void {
  const events = ws.taskEvents(taskId);
  expect(events.map((e) => e.event)).toEqual(['task_queued', 'task_started', 'task_completed']);
  expect(completionOf(events, taskId)).toMatchObject({ status: 'succeeded', error_class: null, exit_code: 0 });
  expect(readFileSync(join(ws.runs.taskDir(runId, taskId), 'stdout.log'), 'utf8')).toBe(stdout);
}

describe('timeouts longer than ~24.8 days (real daemon, real processes)', () => {
  it('--timeout 3000000 (~34.7 days): the task runs to completion, exit 0', async () => {
    const { runId, taskId, result } = await ws.run(['sh', '--prompt', 'sleep 0.3; echo done', '--timeout', '3000000', '--wait']);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expectSucceeded(runId, taskId, 'done\n');
    expect(readRecord(ws, runId, taskId).timeout_sec).toBe(3_000_000);
  });

  it('timeout_sec: 2592000 in tools.yaml: runs to completion', async () => {
    const { runId, taskId, result } = await ws.run(['month_limit', '--wait']);
    expect(result.exitCode).toBe(0);
    expectSucceeded(runId, taskId, 'done\n');
  });

  it('idle_timeout_sec: 2592000 in tools.yaml, re-armed by output: runs to completion', async () => {
    const { runId, taskId, result } = await ws.run(['month_idle', '--wait']);
    expect(result.exitCode).toBe(0);
    expectSucceeded(runId, taskId, 'start\ndone\n');
  });

  it('a --timeout that is no number of seconds at all is refused: one line, exit 2', async () => {
    for (const bad of ['Infinity', 'NaN', '-1', '1e400']) {
      const r = await ws.lacp(['run', 'sh', '--prompt', 'true', '--timeout', bad]);
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toBe(`lacp: --timeout ${bad}: expected a positive number of seconds`);
    }
  });
});
