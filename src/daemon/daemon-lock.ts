import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { isSameProcess, readProc } from '../runner/proc-table.js';

interface LockOwner {
  pid: number;
  start_ticks: number | null;
}

export type LockResult = { acquired: true; release: () => void } | { acquired: false; owner: LockOwner };

/**
 * One daemon per workspace: the lock file is created exclusively and names its
 * owner by pid and start time. A lock whose owner is gone (or whose pid now belongs
 * to another process) is stale and replaced.
 */
export function acquireLock(file: string): LockResult {
  const me: LockOwner = { pid: process.pid, start_ticks: readProc(process.pid)?.startTicks ?? null };
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      return {
        acquired: true,
        release: () => {
          if (readOwner(file)?.pid === me.pid) safeUnlink(file);
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = readOwner(file);
    if (owner && isSameProcess(owner.pid, owner.start_ticks)) return { acquired: false, owner };
    // Stale. Remove it only if it still is the file we judged (another starter may have replaced it).
    const again = readOwner(file);
    if (again?.pid === owner?.pid) safeUnlink(file);
  }
  const owner = readOwner(file);
  return { acquired: false, owner: owner ?? { pid: 0, start_ticks: null } };
}

export function readOwner(file: string): LockOwner | null {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as LockOwner;
    return typeof parsed.pid === 'number' ? parsed : null;
  } catch {
    return null;
  }
}

export function safeUnlink(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}
