import { closeSync, openSync, readdirSync, readSync } from 'node:fs';

/** /proc/PID/stat is one line of a few hundred bytes; environ is read whole, growing as needed. */
const STAT_BYTES = 4096;
let scratch = Buffer.allocUnsafe(STAT_BYTES);

/** One line of /proc/PID/stat, the fields lacp needs. */
export interface ProcInfo {
  pid: number;
  state: string;
  ppid: number;
  pgid: number;
  sid: number;
  /** Clock ticks since boot when the process started: with the pid, a process's identity. */
  startTicks: number;
}

export function readProc(pid: number): ProcInfo | null {
  const length = readProcFile(`/proc/${pid}/stat`, false);
  if (length === null) return null;
  // latin1: the numbers are ASCII; comm's bytes only need to keep their count.
  const stat = scratch.toString('latin1', 0, length);
  // comm (field 2) may hold spaces and parentheses: fields resume after the last ')'.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    pid,
    state: rest[0]!,
    ppid: Number(rest[1]),
    pgid: Number(rest[2]),
    sid: Number(rest[3]),
    startTicks: Number(rest[19]),
  };
}

export function listPids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** Whether the process was started with `NAME=VALUE` in its environment (as exec'd; later changes are invisible). */
export function hasEnvMarker(pid: number, marker: string): boolean {
  return envMarkersOf(pid, [marker]).length > 0;
}

/** Which of `markers` (`NAME=VALUE`) the process was started with: one read of its environment for all of them. */
export function envMarkersOf(pid: number, markers: readonly string[]): string[] {
  const length = readProcFile(`/proc/${pid}/environ`, true);
  if (length === null || length === 0) return [];
  // Entries are NUL-terminated; framed with a NUL in front, each one reads \0NAME=VALUE\0.
  const environ = `\0${scratch.toString('latin1', 0, length)}${scratch[length - 1] === 0 ? '' : '\0'}`;
  return markers.filter((marker) => environ.includes(`\0${marker}\0`));
}

/**
 * Reads a /proc file into `scratch` with one open and as few reads as it takes (no
 * stat, no new buffer: a sweep reads one per process on the machine, for every task).
 * Returns its length, or null when the process is gone or not ours to read.
 */
function readProcFile(path: string, whole: boolean): number | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    let length = 0;
    for (;;) {
      const n = readSync(fd, scratch, length, scratch.length - length, null);
      length += n;
      if (n === 0 || !whole) return length;
      if (length === scratch.length) {
        const grown = Buffer.allocUnsafe(scratch.length * 2);
        scratch.copy(grown);
        scratch = grown;
      }
    }
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** True if `pid` still names the process that started at `startTicks` (pids are reused). */
export function isSameProcess(pid: number, startTicks: number | null): boolean {
  const info = readProc(pid);
  return info !== null && info.state !== 'Z' && (startTicks === null || info.startTicks === startTicks);
}
