import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TelemetryEvent } from '../../src/core/events.js';
import { readProc } from '../../src/runner/proc-table.js';
import { FIXTURES, TestWorkspace } from '../helpers/workspace.js';
import {
  completionOf,
  daemonPid,
  daemonProcesses,
  disposeChecked,
  isAlive,
  validateWorkspaceFiles,
  waitFor,
  workspaceProcesses,
} from '../helpers/runner-checks.js';
import { startStubborn } from '../helpers/stubborn-fixture.js';

const STUBBORN_TOOLS = `
version: 1
vars:
  dir: ""
tools:
  stubborn:
    cmd: ["node", "${FIXTURES}/stubborn-tree.js", "{dir}"]
    kill_grace_sec: 0.3
`;

function stateFiles(ws: TestWorkspace) {
  const dir = join(ws.root, '.lacp');
  return { socket: join(dir, 'daemon.sock'), pid: join(dir, 'daemon.pid'), lock: join(dir, 'daemon.lock'), log: join(dir, 'daemon.log') };
}

describe('the workspace daemon', () => {
  it('starts once, serves on a 0600 socket under .lacp/, names itself in pid and lock files', async () => {
    const ws = new TestWorkspace();
    try {
      const start = await ws.lacp(['daemon', 'start']);
      expect(start.exitCode).toBe(0);
      const files = stateFiles(ws);
      const st = statSync(files.socket);
      expect(st.isSocket()).toBe(true);
      expect(st.mode & 0o777).toBe(0o600);
      const pid = daemonPid(ws)!;
      expect(JSON.parse(readFileSync(files.lock, 'utf8')).pid).toBe(pid);
      expect(daemonProcesses(ws.root)).toEqual([pid]);
      const status = JSON.parse((await ws.lacp(['daemon', 'status', '--json'])).stdout);
      expect(status).toMatchObject({ pid, workspace: ws.root, running: 0, queued: 0 });
      // start again: the same daemon answers
      expect((await ws.lacp(['daemon', 'start'])).exitCode).toBe(0);
      expect(daemonProcesses(ws.root)).toEqual([pid]);
      expect(readFileSync(files.log, 'utf8')).toContain(`daemon ${pid} serving`);
    } finally {
      await disposeChecked(ws);
    }
  });

  it('two commands racing to start it leave exactly one daemon', async () => {
    for (let round = 0; round < 2; round++) {
      const ws = new TestWorkspace();
      try {
        const [a, b] = await Promise.all([ws.run(['sh', '--prompt', 'true', '--wait']), ws.run(['sh', '--prompt', 'true', '--wait'])]);
        expect([a.result.exitCode, b.result.exitCode]).toEqual([0, 0]);
        // The loser of the race may still be booting; it finds the lock taken and exits.
        const daemons = await waitFor('the race loser to exit', () => {
          const d = daemonProcesses(ws.root);
          return d.length === 1 ? d : false;
        });
        expect(daemonPid(ws)).toBe(daemons[0]);
        expect(a.runId).toBe(b.runId); // one daemon, one run for both
        validateWorkspaceFiles(ws.root);
      } finally {
        await disposeChecked(ws);
      }
    }
  }, 180_000);

  it('stale socket, pid and lock files of a dead daemon are replaced', async () => {
    const ws = new TestWorkspace();
    try {
      const files = stateFiles(ws);
      mkdirSync(join(ws.root, '.lacp'), { mode: 0o700 });
      // A socket file nobody listens on: bound by a process that was then killed.
      const binder = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(files.socket)}, () => process.kill(process.pid, 'SIGKILL'))`]);
      await new Promise((r) => binder.once('exit', r));
      expect(statSync(files.socket).isSocket()).toBe(true);
      const dead = binder.pid!;
      expect(isAlive(dead)).toBe(false);
      writeFileSync(files.pid, `${dead}\n`);
      writeFileSync(files.lock, JSON.stringify({ pid: dead, start_ticks: 1 }));

      const { result } = await ws.run(['sh', '--prompt', 'true', '--wait']);
      expect(result.exitCode, String(result.stderr)).toBe(0);
      const pid = daemonPid(ws)!;
      expect(pid).not.toBe(dead);
      expect(JSON.parse(readFileSync(files.lock, 'utf8')).pid).toBe(pid);
      expect(statSync(files.socket).mode & 0o777).toBe(0o600);
      expect(daemonProcesses(ws.root)).toEqual([pid]);
    } finally {
      await disposeChecked(ws);
    }
  });

  it('a lock naming a live process that is not that daemon (a reused pid) is stale too', async () => {
    const ws = new TestWorkspace();
    try {
      const files = stateFiles(ws);
      mkdirSync(join(ws.root, '.lacp'), { mode: 0o700 });
      // Our own pid, with a start time that is not ours: the pid was reused.
      writeFileSync(files.lock, JSON.stringify({ pid: process.pid, start_ticks: readProc(process.pid)!.startTicks + 1 }));
      const { result } = await ws.run(['sh', '--prompt', 'true', '--wait']);
      expect(result.exitCode, String(result.stderr)).toBe(0);
      expect(daemonProcesses(ws.root)).toEqual([daemonPid(ws)]);
    } finally {
      await disposeChecked(ws);
    }
  });

  it('after kill -9 of the daemon, lacp ls does not show the task running forever: it starts the daemon, which settles it as lost', async () => {
    const ws = new TestWorkspace(STUBBORN_TOOLS);
    try {
      const { taskId } = await startStubborn(ws);
      const first = daemonPid(ws)!;
      process.kill(first, 'SIGKILL');
      await waitFor('the daemon to die', () => !isAlive(first));
      const ls = await ws.lacp(['ls', '--json']);
      expect(ls.exitCode, String(ls.stderr)).toBe(0);
      const task = JSON.parse(String(ls.stdout)).runs[0].tasks.find((t: { task_id: string }) => t.task_id === taskId);
      expect(task).toMatchObject({ status: 'lost', error_class: 'lost' });
      expect(daemonPid(ws)).not.toBe(first);
    } finally {
      await disposeChecked(ws);
    }
  });

  it('kill -9 of the daemon while a task runs: the next command restarts it, the task ends lost, nothing of it survives', async () => {
    const ws = new TestWorkspace(STUBBORN_TOOLS);
    try {
      const { runId, taskId, pids } = await startStubborn(ws);
      const first = daemonPid(ws)!;
      process.kill(first, 'SIGKILL');
      await waitFor('the daemon to die', () => !isAlive(first));
      // The tree outlives its daemon (its own session) until a new daemon recovers it.
      expect(isAlive(pids.main!)).toBe(true);

      const next = await ws.run(['sh', '--prompt', 'true', '--wait']);
      expect(next.result.exitCode, String(next.result.stderr)).toBe(0);
      const second = daemonPid(ws)!;
      expect(second).not.toBe(first);
      expect(daemonProcesses(ws.root)).toEqual([second]);

      const events = validateWorkspaceFiles(ws.root);
      const lost = completionOf(events, taskId);
      expect(lost).toMatchObject({ status: 'lost', error_class: 'lost', run_id: runId });
      // Every leftover process counted: the leader, its group's two children and the one that left for a session of its own.
      const summary = 'lost: the daemon ended while the task was running (killed 4 leftover processes)';
      expect(lost.summary).toBe(summary);
      expect(readFileSync(join(ws.root, '.lacp', 'daemon.log'), 'utf8')).toContain(`task ${taskId} of ${runId}: ${summary}`);
      for (const [role, pid] of Object.entries(pids)) expect(isAlive(pid), `${role} (${pid})`).toBe(false);
      const record = JSON.parse(readFileSync(join(ws.runs.taskDir(runId, taskId), 'task.json'), 'utf8'));
      expect(record.status).toBe('lost');
      expect(record.outcome).toMatchObject({ error_class: 'lost', summary });
      // Recovery ran before the new task was accepted: lost comes before the new task in the file.
      const queuedNew = events.find((e) => e.event === 'task_queued' && e.task_id === next.taskId)!;
      expect(lost.seq).toBeLessThan(queuedNew.seq);
      // A second restart finds nothing more to recover.
      expect((await ws.lacp(['daemon', 'stop'])).exitCode).toBe(0);
      expect((await ws.lacp(['daemon', 'start'])).exitCode).toBe(0);
      const again = validateWorkspaceFiles(ws.root).filter((e) => e.event === 'task_completed' && e.task_id === taskId);
      expect(again).toHaveLength(1);
    } finally {
      await disposeChecked(ws);
    }
  }, 180_000);

  it('daemon stop cancels running and queued tasks with the escalation first, then removes its files', async () => {
    const ws = new TestWorkspace(STUBBORN_TOOLS.replace('version: 1', 'version: 1\ndefaults:\n  max_parallel: 1'));
    try {
      const { taskId, pids } = await startStubborn(ws);
      const queued = await ws.run(['sh', '--prompt', 'echo never']);
      const pid = daemonPid(ws)!;
      const stop = await ws.lacp(['daemon', 'stop']);
      expect([stop.exitCode, stop.stdout]).toEqual([0, 'daemon stopped']);
      // stop returned: the daemon and every process of the task are gone.
      expect(isAlive(pid)).toBe(false);
      for (const [role, p] of Object.entries(pids)) expect(isAlive(p), `${role} (${p})`).toBe(false);
      const files = stateFiles(ws);
      for (const f of [files.socket, files.pid, files.lock]) expect(existsSync(f), f).toBe(false);

      const events = validateWorkspaceFiles(ws.root);
      const mine = events.filter((e) => 'task_id' in e && e.task_id === taskId);
      expect(mine.map((e) => e.event)).toEqual(['task_queued', 'task_started', 'cancel_requested', 'signal_sent', 'signal_sent', 'signal_sent', 'task_completed']);
      expect(mine[2]).toMatchObject({ by: 'daemon stop' });
      expect((mine.filter((e) => e.event === 'signal_sent') as Extract<TelemetryEvent, { event: 'signal_sent' }>[]).map((e) => e.signal)).toEqual([
        'SIGINT',
        'SIGTERM',
        'SIGKILL',
      ]);
      expect(completionOf(events, taskId).status).toBe('cancelled');
      expect(completionOf(events, queued.taskId)).toMatchObject({ status: 'cancelled', error_class: 'cancelled' });
      expect(workspaceProcesses(ws.root)).toEqual([]);
    } finally {
      await disposeChecked(ws);
    }
  });
});
