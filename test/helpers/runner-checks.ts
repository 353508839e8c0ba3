import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { TelemetryEvent } from '../../src/core/events.js';
import { TaskRecord } from '../../src/core/task-record.js';
import { listPids, readProc } from '../../src/runner/proc-table.js';
import type { TestWorkspace } from './workspace.js';

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(20);
  }
}

export function isAlive(pid: number): boolean {
  const info = readProc(pid);
  return info !== null && info.state !== 'Z';
}

/** The pids the stubborn-tree fixture wrote, by role. */
export function readPidFiles(dir: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name of readdirSync(dir)) if (name.endsWith('.pid')) out[name.slice(0, -4)] = Number(readFileSync(join(dir, name), 'utf8'));
  return out;
}

export function daemonPid(ws: TestWorkspace): number | null {
  const file = join(ws.root, '.lacp', 'daemon.pid');
  return existsSync(file) ? Number(readFileSync(file, 'utf8')) : null;
}

function readEnviron(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  } catch {
    return [];
  }
}

function readCmdline(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return [];
  }
}

/** Live processes that belong to a workspace: its daemon, its tasks, anything they left (by env marker or argv). */
export function workspaceProcesses(root: string): number[] {
  return listPids().filter((pid) => {
    if (pid === process.pid || !isAlive(pid)) return false;
    return readEnviron(pid).includes(`LACP_WORKSPACE=${root}`) || readCmdline(pid).includes(root);
  });
}

/** Daemon processes serving `root` (the daemon entry with `--workspace root`). */
export function daemonProcesses(root: string): number[] {
  return listPids().filter((pid) => {
    const argv = readCmdline(pid);
    return isAlive(pid) && argv.some((a) => a.endsWith('daemon-main.js')) && argv.includes(root);
  });
}

/**
 * Every line the project wrote in the workspace, validated: each telemetry line is a
 * TelemetryEvent (no torn or foreign lines), seq strictly increasing per file, each
 * task.json a TaskRecord. Returns all events, oldest first per run.
 */
export function validateWorkspaceFiles(root: string): TelemetryEvent[] {
  const runsDir = join(root, 'runs');
  const all: TelemetryEvent[] = [];
  if (!existsSync(runsDir)) return all;
  for (const run of readdirSync(runsDir).sort()) {
    const file = join(runsDir, run, 'telemetry.jsonl');
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    if (text.length && !text.endsWith('\n')) throw new Error(`${file}: last line is not terminated`);
    let lastSeq = -1;
    for (const [i, line] of text.split('\n').entries()) {
      if (!line) continue;
      const parsed = TelemetryEvent.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${file}:${i + 1}: ${parsed.error.issues[0]?.message}: ${line.slice(0, 200)}`);
      if (parsed.data.seq <= lastSeq) throw new Error(`${file}:${i + 1}: seq ${parsed.data.seq} after ${lastSeq}`);
      lastSeq = parsed.data.seq;
      all.push(parsed.data);
    }
    const tasksDir = join(runsDir, run, 'tasks');
    if (!existsSync(tasksDir)) continue;
    for (const task of readdirSync(tasksDir)) {
      const recordFile = join(tasksDir, task, 'task.json');
      const parsed = TaskRecord.safeParse(JSON.parse(readFileSync(recordFile, 'utf8')));
      if (!parsed.success) throw new Error(`${recordFile}: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
    }
  }
  return all;
}

export function readRecord(ws: TestWorkspace, runId: string, taskId: string): TaskRecord {
  return TaskRecord.parse(JSON.parse(readFileSync(join(ws.runs.taskDir(runId, taskId), 'task.json'), 'utf8')));
}

export function completionOf(events: TelemetryEvent[], taskId: string) {
  const done = events.filter((e) => e.event === 'task_completed' && e.task_id === taskId);
  if (done.length !== 1) throw new Error(`task ${taskId}: ${done.length} task_completed events`);
  return done[0] as Extract<TelemetryEvent, { event: 'task_completed' }>;
}

/** Stops the workspace's daemon, removes it, and fails if any of its processes outlived it. */
export async function disposeChecked(ws: TestWorkspace): Promise<void> {
  const root = ws.root;
  await ws.dispose();
  const left = await waitFor('workspace processes to end', () => {
    const pids = workspaceProcesses(root);
    return pids.length === 0 ? [] : false;
  }, 10_000).catch(() => workspaceProcesses(root));
  if (left.length) throw new Error(`processes of ${root} outlived the daemon: ${left.map((p) => `${p} ${readCmdline(p).join(' ')}`).join('; ')}`);
}
