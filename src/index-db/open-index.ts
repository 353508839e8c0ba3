import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { currentUser, foreignOwner } from '../workspace/path-owner.js';
import { INDEX_FILE, RunIndex } from './run-index.js';
import { loadSqlite } from './sqlite-driver.js';
import type { RunScope } from './task-query.js';

/** A line for stderr; `kind` says why the index is not used, when it exists but cannot be (the CLI's index command picks its exit code by it). */
export type Warn = (line: string, kind?: IndexFailure) => void;

/** How a warning ends when the caller goes on without the index. */
export const JSONL_FALLBACK = '; reading the JSONL files instead';

/**
 * Opens a workspace's index for the CLI and the daemon, or says why not in one
 * line and returns null: the caller then answers from the JSONL.
 * - `ifPresent`: only an index that exists (`lacp ls` does not create one).
 * - `create`: creates it; a file that is not a readable index is deleted and built
 *   again, since the index is derived. An index that is busy (another process writes
 *   it) or that this user may not write is not broken, and is never deleted.
 * Either way it is brought up to date first (`catchUp`), unless told not to: the runs
 * `scope` covers (RunIndex.sync), every run by default.
 */
export async function openIndex(
  runsDir: string,
  { mode, warn, catchUp = true, scope = 'all' }: { mode: 'ifPresent' | 'create'; warn: Warn; catchUp?: boolean; scope?: RunScope },
): Promise<RunIndex | null> {
  // No runs/ yet (or not a workspace): nothing to index, and nothing is created here.
  if (!existsSync(runsDir) || (mode === 'ifPresent' && !RunIndex.exists(runsDir))) return null;
  const sqlite = await loadSqlite();
  if (!sqlite.ok) {
    warn(`SQLite index unavailable (${sqlite.reason})${JSONL_FALLBACK}`);
    return null;
  }
  let index: RunIndex;
  try {
    index = RunIndex.open(runsDir, sqlite.open);
  } catch (err) {
    const kind = failureKind(err);
    if (kind !== 'broken' || mode === 'ifPresent') {
      warn(`${unusableIndexLine(runsDir, err)}${JSONL_FALLBACK}`, kind);
      return null;
    }
    removeIndexFiles(runsDir);
    index = RunIndex.open(runsDir, sqlite.open);
  }
  if (catchUp) {
    try {
      index.sync({ scope });
    } catch (err) {
      const kind = failureKind(err);
      // Another process holds the write lock for long (a rebuild): answer from what is indexed.
      // An index this user may only read, or one damaged where the catch-up wrote: answer from the JSONL,
      // which is current. (Not deleted here: the daemon may hold it open; `lacp index rebuild` repairs it.)
      if (kind === 'denied' || kind === 'broken') {
        index.close();
        warn(`${unusableIndexLine(runsDir, err)}${JSONL_FALLBACK}`, kind);
        return null;
      }
      if (kind !== 'busy') {
        index.close();
        throw err;
      }
    }
  }
  return index;
}

/**
 * Why an index could not be used: another process's lock, file permissions, a file that is
 * not a good index (the only one worth deleting: it is derived), one a newer lacp made (index-schema.ts),
 * or anything else (a full disk).
 */
export type IndexFailure = 'busy' | 'denied' | 'broken' | 'newer' | 'other';

export function failureKind(err: unknown): IndexFailure {
  const code = String((err as { code?: unknown })?.code ?? '');
  if (/^SQLITE_(BUSY|LOCKED)/.test(code)) return 'busy';
  if (code === 'LACP_NEWER_SCHEMA') return 'newer';
  if (/^(SQLITE_(READONLY|CANTOPEN|PERM|AUTH)|EACCES|EPERM|EROFS)/.test(code)) return 'denied';
  if (/^SQLITE_(NOTADB|CORRUPT)/.test(code)) return 'broken';
  return 'other';
}

/**
 * The index's problem as the start of one line, saying what would help: waiting for the other
 * writer, its owner (a file of another user's cannot be fixed by this one), or a rebuild.
 */
export function unusableIndexLine(runsDir: string, err: unknown): string {
  const file = join(runsDir, INDEX_FILE);
  const message = (err as Error)?.message ?? String(err);
  switch (failureKind(err)) {
    case 'busy':
      return `SQLite index ${file} is busy (another lacp process is writing it: ${message})`;
    case 'denied': {
      const owner = foreignOwner(existsSync(file) ? file : runsDir);
      const whose = owner ? `it belongs to ${owner}, not to ${currentUser()}` : `make ${existsSync(file) ? file : runsDir} writable`;
      return `SQLite index ${file} cannot be written (${message}); ${whose}`;
    }
    case 'broken':
      return `SQLite index ${file} unreadable (${message}; lacp index rebuild repairs it)`;
    case 'newer':
      return `SQLite index ${file} was ${message}`;
    case 'other':
      return `SQLite index ${file} not opened (${message})`;
  }
}

export function removeIndexFiles(runsDir: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(join(runsDir, `${INDEX_FILE}${suffix}`), { force: true });
}
