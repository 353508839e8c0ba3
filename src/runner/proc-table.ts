import { readdirSync, readFileSync } from 'node:fs';

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
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
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
  let environ: Buffer;
  try {
    environ = readFileSync(`/proc/${pid}/environ`);
  } catch {
    return false;
  }
  const needle = Buffer.from(`\0${marker}\0`);
  const framed = Buffer.concat([Buffer.from('\0'), environ, environ.at(-1) === 0 ? Buffer.alloc(0) : Buffer.from('\0')]);
  return framed.includes(needle);
}

/** True if `pid` still names the process that started at `startTicks` (pids are reused). */
export function isSameProcess(pid: number, startTicks: number | null): boolean {
  const info = readProc(pid);
  return info !== null && info.state !== 'Z' && (startTicks === null || info.startTicks === startTicks);
}
