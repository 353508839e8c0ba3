import { readFileSync } from 'node:fs';
import { listPids, readProc } from '../runner/proc-table.js';

/** Clock ticks per second of /proc's utime/stime: USER_HZ is 100 on every Linux we run on. */
const CLOCK_TICKS_PER_SEC = 100;
/** Page size for statm's resident pages (x86_64 and arm64 Linux default). */
const PAGE_BYTES = 4096;

export interface TaskUsage {
  /** Percent of one core over the last interval. */
  cpuPercent: number;
  rssBytes: number;
}

/**
 * CPU and memory of running tasks, read from /proc: every process in each task's
 * session (a task leader starts its own), summed. Null where /proc is missing.
 * CPU is per process, what each used since the last sample: a process seen for the
 * first time adds its whole time only if it started since then (else it is a task just
 * listed, or lacp-tui just started, and its past is not this interval's); one gone
 * since adds nothing, rather than taking its time off the others'.
 */
export class ProcMetrics {
  /** CPU ticks each process (`pid:starttime`, so a reused pid is a new process) had at the last sample. */
  private lastTicks = new Map<string, number>();
  private lastAt = 0;
  /** Clock ticks since boot at the last sample: a process started after it is new in this interval. */
  private lastUptimeTicks: number | null = null;

  sample(taskPids: number[], now = Date.now()): TaskUsage | null {
    if (taskPids.length === 0) {
      this.lastTicks.clear();
      this.lastAt = now;
      this.lastUptimeTicks = uptimeTicks();
      return { cpuPercent: 0, rssBytes: 0 };
    }
    let pids: number[];
    try {
      pids = listPids();
    } catch {
      return null;
    }
    const leaders = new Set(taskPids);
    const ticksNow = new Map<string, number>();
    let used = 0;
    let rss = 0;
    for (const pid of pids) {
      const info = readProc(pid);
      if (!info || !(leaders.has(info.sid) || leaders.has(info.pgid) || leaders.has(pid))) continue;
      const usage = readUsage(pid);
      if (!usage) continue;
      const key = `${pid}:${usage.start}`;
      const before = this.lastTicks.get(key) ?? (this.lastUptimeTicks !== null && usage.start >= this.lastUptimeTicks ? 0 : usage.ticks);
      used += Math.max(0, usage.ticks - before);
      ticksNow.set(key, usage.ticks);
      rss += usage.rss;
    }
    const elapsed = (now - this.lastAt) / 1000;
    const cpuPercent = this.lastAt && elapsed > 0 ? (used / CLOCK_TICKS_PER_SEC / elapsed) * 100 : 0;
    this.lastTicks = ticksNow;
    this.lastAt = now;
    this.lastUptimeTicks = uptimeTicks();
    return { cpuPercent, rssBytes: rss };
  }
}

/** Clock ticks since boot, as /proc/PID/stat's starttime counts them; null without /proc. */
function uptimeTicks(): number | null {
  try {
    return Math.floor(Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * CLOCK_TICKS_PER_SEC);
  } catch {
    return null;
  }
}

function readUsage(pid: number): { ticks: number; start: number; rss: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After comm: state is field 3, utime 14, stime 15, starttime 22 (1-based in proc(5)), so 11, 12 and 19 here.
    const ticks = Number(rest[11]) + Number(rest[12]);
    const statm = readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ');
    return { ticks, start: Number(rest[19]), rss: Number(statm[1]) * PAGE_BYTES };
  } catch {
    return null;
  }
}

export function formatBytes(n: number): string {
  if (n < 1024 * 1024) return `${Math.round(n / 1024)}K`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)}M`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)}G`;
}
