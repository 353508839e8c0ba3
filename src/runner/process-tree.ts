import { setTimeout as delay } from 'node:timers/promises';
import { hasEnvMarker, listPids, readProc } from './proc-table.js';

export const TASK_MARKER_VAR = 'LACP_TASK_ID';

/** Sweep rounds before giving up on a process that keeps coming back (a fork bomb). */
const SWEEP_ROUNDS = 20;
/** Pause between sweep rounds: long enough for SIGKILL to land. */
const SWEEP_PAUSE_MS = 10;

/**
 * Every live process of a task: its session and process group (the task's leader
 * started both, so their ids are its pid), plus anything that left them (setsid,
 * double fork) but still carries the task's environment marker.
 *
 * `notBeforeTicks` is the leader's start time when known: a descendant cannot be
 * older than the task, so older processes are not searched for the marker. That
 * skips reading the environment of nearly every process on the machine, the bulk
 * of a sweep's cost when tasks are short and many.
 */
export function findTaskProcesses(leaderPid: number | null, taskId: string, notBeforeTicks = 0): number[] {
  const marker = `${TASK_MARKER_VAR}=${taskId}`;
  const found: number[] = [];
  for (const pid of listPids()) {
    if (pid === process.pid) continue;
    const info = readProc(pid);
    if (!info || info.state === 'Z') continue;
    const inTree = leaderPid !== null && (info.sid === leaderPid || info.pgid === leaderPid);
    if (inTree || (info.startTicks >= notBeforeTicks && hasEnvMarker(pid, marker))) found.push(pid);
  }
  return found;
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
 * Returns how many processes were killed.
 */
export async function sweepTask(leaderPid: number | null, taskId: string, notBeforeTicks = 0): Promise<number> {
  let killed = 0;
  for (let round = 0; round < SWEEP_ROUNDS; round++) {
    if (leaderPid !== null && leaderPid > 1) {
      try {
        process.kill(-leaderPid, 'SIGKILL');
      } catch {
        // no group left
      }
    }
    const left = findTaskProcesses(leaderPid, taskId, notBeforeTicks);
    if (left.length === 0) return killed;
    for (const pid of left) {
      try {
        process.kill(pid, 'SIGKILL');
        killed++;
      } catch {
        // already gone
      }
    }
    await delay(SWEEP_PAUSE_MS);
  }
  return killed;
}
