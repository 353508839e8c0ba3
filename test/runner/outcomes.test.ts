import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TelemetryEvent } from '../../src/core/events.js';
import { FIXTURES, TestWorkspace } from '../helpers/workspace.js';
import { completionOf, daemonPid, disposeChecked, isAlive, readRecord, validateWorkspaceFiles, waitFor } from '../helpers/runner-checks.js';

const TOOLS = `
version: 1
defaults:
  max_parallel: 4
  kill_grace_sec: 0.2
vars:
  code: "0"
  seconds: "30"
tools:
  exit:
    cmd: ["sh", "${FIXTURES}/exit-with.sh", "{code}"]
  slow:
    cmd: ["sleep", "{seconds}"]
  slow_limited:
    cmd: ["sleep", "30"]
    timeout_sec: 0.3
  nobin:
    cmd: ["lacp-test-no-such-binary", "x"]
  badcwd:
    cmd: ["true"]
    cwd: /nonexistent/lacp-test-dir
  gate_before:
    cmd: ["sh", "${FIXTURES}/exit-with.sh", "0"]
    checkpoint: before
  gate_after:
    cmd: ["sh", "${FIXTURES}/exit-with.sh", "{code}"]
    checkpoint: after
  artifact:
    cmd: ["sh", "${FIXTURES}/write-artifact.sh", "sub/report.txt", "{prompt}"]
  one_at_a_time:
    cmd: ["sleep", "30"]
    max_parallel: 1
`;

const ws = new TestWorkspace(TOOLS);
afterAll(async () => {
  validateWorkspaceFiles(ws.root);
  await disposeChecked(ws);
});

const names = (events: TelemetryEvent[]) => events.map((e) => e.event);
const ended = (taskId: string) => waitFor(`${taskId} to end`, () => ws.taskEvents(taskId).find((e) => e.event === 'task_completed'));
const reached = (taskId: string, event: string) => waitFor(`${taskId}: ${event}`, () => ws.taskEvents(taskId).find((e) => e.event === event));

/** Starts `lacp run ... --wait` in the background and finds its task by a unique title. */
async function runWaiting(args: string[]) {
  const title = `w-${Math.random().toString(36).slice(2)}`;
  const child = ws.lacp(['run', ...args, '--title', title, '--wait']);
  const queued = await waitFor(`task titled ${title}`, () => ws.events().find((e) => e.event === 'task_queued' && e.summary === title));
  return { child, taskId: (queued as Extract<TelemetryEvent, { event: 'task_queued' }>).task_id };
}

describe('outcomes and their events (real daemon, real processes, through the CLI)', () => {
  it('succeeded: exit 0, events queued, started, completed; both streams in their files', async () => {
    const { runId, taskId, result } = await ws.run(['exit', '--wait']);
    expect(result.exitCode).toBe(0);
    expect(runId).toMatch(/^RUN-\d{8}-001$/);
    const events = ws.taskEvents(taskId);
    expect(names(events)).toEqual(['task_queued', 'task_started', 'task_completed']);
    expect(completionOf(events, taskId)).toMatchObject({ status: 'succeeded', error_class: null, exit_code: 0, signal: null });
    const dir = ws.runs.taskDir(runId, taskId);
    expect(readFileSync(join(dir, 'stdout.log'), 'utf8')).toBe('stdout of exit-with 0\n');
    expect(readFileSync(join(dir, 'stderr.log'), 'utf8')).toBe('stderr of exit-with 0\n');
    const record = readRecord(ws, runId, taskId);
    expect(record.status).toBe('succeeded');
    expect(record.outcome).toMatchObject({ exit_code: 0, error_class: null });
    expect(record.pid).toBe((events[1] as Extract<TelemetryEvent, { event: 'task_started' }>).pid);
  });

  it('failed nonzero_exit: --wait exits with the task\'s code', async () => {
    const { taskId, result } = await ws.run(['exit', '--set', 'code=7', '--wait']);
    expect(result.exitCode).toBe(7);
    expect(completionOf(ws.events(), taskId)).toMatchObject({ status: 'failed', error_class: 'nonzero_exit', exit_code: 7, summary: 'exit 7' });
  });

  it('timed_out by the tool\'s timeout_sec: SIGINT is sent, --wait exits 124', async () => {
    const { taskId, result } = await ws.run(['slow_limited', '--wait']);
    expect(result.exitCode).toBe(124);
    const events = ws.taskEvents(taskId);
    expect(names(events)).toEqual(['task_queued', 'task_started', 'signal_sent', 'task_completed']);
    expect(events[2]).toMatchObject({ signal: 'SIGINT' });
    expect(completionOf(events, taskId)).toMatchObject({ status: 'timed_out', error_class: 'timeout', summary: 'timed out after 0.3s' });
  });

  it('timed_out by --timeout, recorded in task.json', async () => {
    const { runId, taskId, result } = await ws.run(['slow', '--timeout', '0.3', '--wait']);
    expect(result.exitCode).toBe(124);
    expect(completionOf(ws.events(), taskId)).toMatchObject({ status: 'timed_out', error_class: 'timeout' });
    expect(readRecord(ws, runId, taskId).timeout_sec).toBe(0.3);
  });

  it('cancelled: cancel_requested, SIGINT, completed cancelled; --wait exits 130', async () => {
    const { child, taskId } = await runWaiting(['slow']);
    await reached(taskId, 'task_started');
    const cancel = await ws.lacp(['cancel', taskId, '--reason', 'test']);
    expect(cancel.exitCode).toBe(0);
    expect(cancel.stdout).toBe(`${taskId} cancelled: cancelled by cli: test`);
    expect((await child).exitCode).toBe(130);
    const events = ws.taskEvents(taskId);
    expect(names(events)).toEqual(['task_queued', 'task_started', 'cancel_requested', 'signal_sent', 'task_completed']);
    expect(events[2]).toMatchObject({ by: 'cli', reason: 'test' });
    expect(completionOf(events, taskId)).toMatchObject({ status: 'cancelled', error_class: 'cancelled' });
  });

  it('spawn_error for a missing binary: --wait exits 1, the daemon lives on', async () => {
    const pid = daemonPid(ws)!;
    const { taskId, result } = await ws.run(['nobin', '--wait']);
    expect(result.exitCode).toBe(1);
    const events = ws.taskEvents(taskId);
    expect(names(events)).toEqual(['task_queued', 'task_completed']);
    expect(completionOf(events, taskId)).toMatchObject({ status: 'failed', error_class: 'spawn_error', exit_code: null });
    expect(completionOf(events, taskId).summary).toContain('lacp-test-no-such-binary: command not found');
    expect(isAlive(pid)).toBe(true);
    expect(daemonPid(ws)).toBe(pid);
  });

  it('spawn_error for a cwd that does not exist', async () => {
    const { taskId, result } = await ws.run(['badcwd', '--wait']);
    expect(result.exitCode).toBe(1);
    expect(completionOf(ws.events(), taskId)).toMatchObject({ error_class: 'spawn_error', summary: 'could not start: cwd /nonexistent/lacp-test-dir does not exist' });
  });

  it('checkpoint before + approve: nothing starts until approved', async () => {
    const { taskId } = await ws.run(['gate_before']);
    const required = await reached(taskId, 'checkpoint_required');
    expect(required).toMatchObject({ status: 'awaiting_checkpoint', checkpoint: 'before' });
    const ls = JSON.parse((await ws.lacp(['ls', '--json'])).stdout) as { runs: { tasks: { task_id: string; status: string }[] }[] };
    expect(ls.runs[0]!.tasks.find((t) => t.task_id === taskId)!.status).toBe('awaiting_checkpoint');
    expect(names(ws.taskEvents(taskId))).not.toContain('task_started');
    const approve = await ws.lacp(['approve', taskId]);
    expect([approve.exitCode, approve.stdout]).toEqual([0, `${taskId} approved`]);
    await ended(taskId);
    const events = ws.taskEvents(taskId);
    expect(names(events)).toEqual(['task_queued', 'checkpoint_required', 'checkpoint_resolved', 'task_started', 'task_completed']);
    expect(events[2]).toMatchObject({ decision: 'approved' });
    expect(completionOf(events, taskId).status).toBe('succeeded');
  });

  it('checkpoint before + reject: failed rejected, never started; --wait exits 1', async () => {
    const { child, taskId } = await runWaiting(['gate_before']);
    await reached(taskId, 'checkpoint_required');
    expect((await ws.lacp(['reject', taskId, '--reason', 'no thanks'])).exitCode).toBe(0);
    expect((await child).exitCode).toBe(1);
    const events = ws.taskEvents(taskId);
    expect(names(events)).toEqual(['task_queued', 'checkpoint_required', 'checkpoint_resolved', 'task_completed']);
    expect(events[2]).toMatchObject({ decision: 'rejected', reason: 'no thanks' });
    expect(completionOf(events, taskId)).toMatchObject({ status: 'failed', error_class: 'rejected', summary: 'rejected: no thanks' });
  });

  it('cancelled before it ran: cancel_requested says the state it found (queued, at a checkpoint); the folder has its logs and artifacts/', async () => {
    const { child, taskId } = await runWaiting(['gate_before']);
    await reached(taskId, 'checkpoint_required');
    expect((await ws.lacp(['cancel', taskId])).exitCode).toBe(0);
    expect((await child).exitCode).toBe(130);
    const events = ws.taskEvents(taskId);
    expect(names(events)).toEqual(['task_queued', 'checkpoint_required', 'cancel_requested', 'task_completed']);
    expect(events[2]).toMatchObject({ status: 'awaiting_checkpoint', by: 'cli' });
    const runId = events[0]!.run_id;
    const dir = join(ws.root, 'runs', runId, 'tasks', taskId);
    expect(readdirSync(dir).sort()).toEqual(['artifacts', 'stderr.log', 'stdout.log', 'task.json']);
    for (const path of Object.values(completionOf(events, taskId).log_paths)) expect(readFileSync(join(ws.root, 'runs', runId, path), 'utf8')).toBe('');

    // Queued behind a task holding the tool's only slot.
    const holder = await runWaiting(['one_at_a_time']);
    await reached(holder.taskId, 'task_started');
    const queued = await runWaiting(['one_at_a_time']);
    expect((await ws.lacp(['cancel', queued.taskId, holder.taskId])).exitCode).toBe(0);
    expect(ws.taskEvents(queued.taskId).find((e) => e.event === 'cancel_requested')).toMatchObject({ status: 'queued' });
    expect(ws.taskEvents(holder.taskId).find((e) => e.event === 'cancel_requested')).toMatchObject({ status: 'running' });
    await Promise.all([holder.child, queued.child]);
  });

  it('checkpoint after + approve: the result is held, then it is the outcome', async () => {
    const { taskId } = await ws.run(['gate_after', '--set', 'code=3']);
    const required = await reached(taskId, 'checkpoint_required');
    expect(required).toMatchObject({ checkpoint: 'after' });
    expect(names(ws.taskEvents(taskId))).toEqual(['task_queued', 'task_started', 'checkpoint_required']);
    expect((await ws.lacp(['approve', taskId])).exitCode).toBe(0);
    await ended(taskId);
    expect(completionOf(ws.events(), taskId)).toMatchObject({ status: 'failed', error_class: 'nonzero_exit', exit_code: 3 });
  });

  it('checkpoint after + reject: failed rejected, exit code kept', async () => {
    const { taskId } = await ws.run(['gate_after']);
    await reached(taskId, 'checkpoint_required');
    expect((await ws.lacp(['reject', taskId])).exitCode).toBe(0);
    await ended(taskId);
    expect(completionOf(ws.events(), taskId)).toMatchObject({ status: 'failed', error_class: 'rejected', exit_code: 0 });
  });

  it('approve of a task without a checkpoint waiting: one line, exit 2', async () => {
    const { taskId } = await ws.run(['exit', '--wait']);
    const r = await ws.lacp(['approve', taskId]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(`lacp: task ${taskId} has ended (succeeded, exit 0): no checkpoint to resolve`);
  });

  it('artifacts: what the task leaves in $LACP_ARTIFACTS_DIR is listed on task_completed and in task.json', async () => {
    const { runId, taskId, result } = await ws.run(['artifact', '--prompt', 'hello artifact', '--wait']);
    expect(result.exitCode).toBe(0);
    expect(completionOf(ws.events(), taskId).artifacts).toEqual(['sub/report.txt']);
    expect(readRecord(ws, runId, taskId).outcome!.artifacts).toEqual(['sub/report.txt']);
    expect(readFileSync(join(ws.runs.taskDir(runId, taskId), 'artifacts', 'sub', 'report.txt'), 'utf8')).toBe('hello artifact\n');
  });

  it('every task ended exactly once', () => {
    const events = ws.events();
    const queued = events.filter((e) => e.event === 'task_queued').map((e) => (e as { task_id: string }).task_id);
    for (const id of queued) completionOf(events, id);
  });
});
