import { setTimeout as delay } from 'node:timers/promises';
import { envMarkersOf, listPids, readProc } from './proc-table.js';

export const TASK_MARKER_VAR = 'LACP_TASK_ID';

/** Sweep rounds before giving up on a process that keeps coming back (a fork bomb). */
const SWEEP_ROUNDS = 20;
/** Pause between sweep rounds: long enough for SIGKILL to land. */
const SWEEP_PAUSE_MS = 10;

/** What identifies a task's processes: its leader's session and group, and its environment marker. */
interface TaskQuery {
  leaderPid: number | null;
  marker: string;
  /** The leader's start time when known: a descendant cannot be older than the task. */
  notBeforeTicks: number;
}

/**
 * Every live process of each task: its session and process group (the task's leader
 * started both, so their ids are its pid), plus anything that left them (setsid,
 * double fork) but still carries the task's environment marker.
 *
 * One pass over /proc answers all the tasks at once: reading every process's stat is
 * the bulk of a sweep's cost when tasks are short and many. Only processes younger
 * than a task are searched for its marker, which skips reading the environment of
 * nearly every process on the machine.
 */
function scanTasks(queries: readonly TaskQuery[]): number[][] {
  const found = queries.map((): number[] => []);
  for (const pid of listPids()) {
    if (pid === process.pid) continue;
    const info = readProc(pid);
    if (!info || info.state === 'Z') continue;
    const searched: number[] = [];
    queries.forEach((q, i) => {
      if (q.leaderPid !== null && (info.sid === q.leaderPid || info.pgid === q.leaderPid)) found[i]!.push(pid);
      else if (info.startTicks >= q.notBeforeTicks) searched.push(i);
    });
    if (searched.length === 0) continue;
    const carried = new Set(envMarkersOf(pid, searched.map((i) => queries[i]!.marker)));
    for (const i of searched) if (carried.has(queries[i]!.marker)) found[i]!.push(pid);
  }
  return found;
}

/** The live processes of one task, found now. */
export function findTaskProcesses(leaderPid: number | null, taskId: string, notBeforeTicks = 0): number[] {
  return scanTasks([{ leaderPid, marker: markerOf(taskId), notBeforeTicks }])[0]!;
}

function markerOf(taskId: string): string {
  return `${TASK_MARKER_VAR}=${taskId}`;
}

/** Sweeps asked for in the same turn of the event loop (tasks ending together) share one scan. */
let pendingScans: { query: TaskQuery; resolve: (pids: number[]) => void }[] = [];

function scanSoon(query: TaskQuery): Promise<number[]> {
  return new Promise((resolve) => {
    if (pendingScans.length === 0)
      setImmediate(() => {
        const batch = pendingScans;
        pendingScans = [];
        const found = scanTasks(batch.map((p) => p.query));
        batch.forEach((p, i) => p.resolve(found[i]!));
      });
    pendingScans.push({ query, resolve });
  });
}

/** Sends one signal to the whole task: group first (one syscall, no race with forks), then stragglers. */
export function signalTask(leaderPid: number, taskId: string, signal: NodeJS.Signals): number {
  let reached = 0;
  if (leaderPid > 1) {
    try {
      process.kill(-leaderPid, signal);
      reached++;
    } catch {
      // the group is gone; stragglers may remain
    }
  }
  for (const pid of findTaskProcesses(leaderPid, taskId)) {
    try {
      process.kill(pid, signal);
      reached++;
    } catch {
      // exited meanwhile
    }
  }
  return reached;
}

/**
 * SIGKILLs whatever is left of a task until nothing answers to it. Without a leader
 * (crash recovery of a pid that was reused) only the marker finds processes.
 * Returns how many distinct processes it killed: crash recovery reports that number.
 *
 * Each round stops the task's process group first (SIGSTOP), so that no member forks
 * between the scan and the kill: everything the group kill reaches was seen by the scan
 * and is counted, not only the stragglers outside the group.
 */
export async function sweepTask(leaderPid: number | null, taskId: string, notBeforeTicks = 0): Promise<number> {
  const group = leaderPid !== null && leaderPid > 1 ? leaderPid : null;
  const killed = new Set<number>();
  for (let round = 0; round < SWEEP_ROUNDS; round++) {
    if (group !== null) signalGroup(group, 'SIGSTOP');
    const left = await scanSoon({ leaderPid, marker: markerOf(taskId), notBeforeTicks });
    for (const pid of left) {
      try {
        process.kill(pid, 'SIGKILL');
        killed.add(pid);
      } catch {
        // exited meanwhile
      }
    }
    // Then the group as a whole: a stopped member cannot have escaped the scan, but a kill is cheap insurance.
    if (group !== null) signalGroup(group, 'SIGKILL');
    if (left.length === 0) return killed.size;
    await delay(SWEEP_PAUSE_MS);
  }
  return killed.size;
}

function signalGroup(group: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-group, signal);
  } catch {
    // no group left
  }
}
