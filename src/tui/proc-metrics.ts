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
 */
export class ProcMetrics {
  private lastTicks = 0;
  private lastAt = 0;

  sample(taskPids: number[], now = Date.now()): TaskUsage | null {
    if (taskPids.length === 0) {
      this.lastTicks = 0;
      this.lastAt = now;
      return { cpuPercent: 0, rssBytes: 0 };
    }
    let pids: number[];
    try {
      pids = listPids();
    } catch {
      return null;
    }
    const leaders = new Set(taskPids);
    let ticks = 0;
    let rss = 0;
    for (const pid of pids) {
      const info = readProc(pid);
      if (!info || !(leaders.has(info.sid) || leaders.has(info.pgid) || leaders.has(pid))) continue;
      const usage = readUsage(pid);
      ticks += usage.ticks;
      rss += usage.rss;
    }
    const elapsed = (now - this.lastAt) / 1000;
    const cpuPercent = this.lastAt && elapsed > 0 ? Math.max(0, ((ticks - this.lastTicks) / CLOCK_TICKS_PER_SEC / elapsed) * 100) : 0;
    this.lastTicks = ticks;
    this.lastAt = now;
    return { cpuPercent, rssBytes: rss };
  }
}

function readUsage(pid: number): { ticks: number; rss: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After comm: state is field 3, utime 14, stime 15 (1-based in proc(5)), so 11 and 12 here.
    const ticks = Number(rest[11]) + Number(rest[12]);
    const statm = readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ');
    return { ticks, rss: Number(statm[1]) * PAGE_BYTES };
  } catch {
    return { ticks: 0, rss: 0 };
  }
}

export function formatBytes(n: number): string {
  if (n < 1024 * 1024) return `${Math.round(n / 1024)}K`;
  if (n < 1024 * 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)}M`;
  return `${(n / 1024 / 1024 / 1024).toFixed(2)}G`;
}
