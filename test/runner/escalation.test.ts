import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { TelemetryEvent } from '../../src/core/events.js';
import { FIXTURES, TestWorkspace } from '../helpers/workspace.js';
import { completionOf, disposeChecked, isAlive, readPidFiles, validateWorkspaceFiles } from '../helpers/runner-checks.js';
import { pidDir, startStubborn } from '../helpers/stubborn-fixture.js';

const GRACE_SEC = 0.3;
const TOOLS = `
version: 1
defaults:
  kill_grace_sec: 5
vars:
  dir: ""
tools:
  stubborn:
    cmd: ["node", "${FIXTURES}/stubborn-tree.js", "{dir}"]
    kill_grace_sec: ${GRACE_SEC}
  stubborn_timeout:
    cmd: ["node", "${FIXTURES}/stubborn-tree.js", "{dir}"]
    kill_grace_sec: ${GRACE_SEC}
    timeout_sec: 4
`;

const ws = new TestWorkspace(TOOLS);
afterAll(async () => {
  validateWorkspaceFiles(ws.root);
  await disposeChecked(ws);
});

function checkEscalation(events: TelemetryEvent[]) {
  const signals = events.filter((e) => e.event === 'signal_sent') as Extract<TelemetryEvent, { event: 'signal_sent' }>[];
  expect(signals.map((e) => e.signal)).toEqual(['SIGINT', 'SIGTERM', 'SIGKILL']);
  // Each step waits the grace period (timestamps have millisecond resolution; allow a little slack).
  for (let i = 1; i < signals.length; i++)
    expect(Date.parse(signals[i]!.ts) - Date.parse(signals[i - 1]!.ts)).toBeGreaterThanOrEqual(GRACE_SEC * 1000 - 20);
  const completed = events.at(-1)!;
  expect(completed.event).toBe('task_completed');
  expect(completed.seq).toBeGreaterThan(signals.at(-1)!.seq);
}

describe('cancel and timeout escalate SIGINT, SIGTERM, SIGKILL, then sweep: nothing survives', () => {
  it('cancel: the three signals in order, a grace apart; every process of the tree is dead when cancel returns', async () => {
    const { taskId, pids, stdout } = await startStubborn(ws);
    const cancel = await ws.lacp(['cancel', taskId]);
    expect(cancel.exitCode).toBe(0);
    // cancel returned: the task has ended, so everything of it must be gone already, the setsid escapee too.
    for (const [role, pid] of Object.entries(pids)) expect(isAlive(pid), `${role} (${pid})`).toBe(false);
    const events = ws.taskEvents(taskId);
    expect(events.map((e) => e.event)).toEqual([
      'task_queued',
      'task_started',
      'cancel_requested',
      'signal_sent',
      'signal_sent',
      'signal_sent',
      'task_completed',
    ]);
    checkEscalation(events);
    expect(completionOf(events, taskId)).toMatchObject({ status: 'cancelled', error_class: 'cancelled', signal: 'SIGKILL' });
    // The group got each signal: the fixture and its background child saw INT and TERM.
    const seen = readFileSync(stdout, 'utf8');
    for (const line of ['main got SIGINT', 'main got SIGTERM', 'background got SIGINT', 'background got SIGTERM']) expect(seen).toContain(line);
  });

  it('timeout: the same escalation, timed_out, nothing survives', async () => {
    // Not waiting for "ready": on a loaded machine the timeout may come first; whatever
    // of the tree had started by then must be gone too.
    const dir = pidDir();
    const { taskId, result } = await ws.run(['stubborn_timeout', '--set', `dir=${dir}`, '--wait']);
    expect(result.exitCode).toBe(124);
    const events = ws.taskEvents(taskId);
    expect(completionOf(events, taskId)).toMatchObject({ status: 'timed_out', error_class: 'timeout' });
    const pids = readPidFiles(dir);
    expect(pids.main).toBeGreaterThan(0);
    for (const [role, pid] of Object.entries(pids)) expect(isAlive(pid), `${role} (${pid})`).toBe(false);
    expect(events.some((e) => e.event === 'cancel_requested')).toBe(false);
    checkEscalation(events);
  });
});
