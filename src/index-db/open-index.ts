import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { INDEX_FILE, RunIndex } from './run-index.js';
import { loadSqlite } from './sqlite-driver.js';
import type { RunScope } from './task-query.js';

export type Warn = (line: string) => void;

/**
 * Opens a workspace's index for the CLI and the daemon, or says why not in one
 * line and returns null: the caller then answers from the JSONL.
 * - `ifPresent`: only an index that exists (`lacp ls` does not create one).
 * - `create`: creates it; a file that is not a readable index is deleted and built
 *   again, since the index is derived.
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
    warn(`SQLite index unavailable (${sqlite.reason}); reading the JSONL files instead`);
    return null;
  }
  let index: RunIndex;
  try {
    index = RunIndex.open(runsDir, sqlite.open);
  } catch (err) {
    if (mode === 'ifPresent') {
      warn(`SQLite index ${join(runsDir, INDEX_FILE)} unreadable (${(err as Error).message}); reading the JSONL files instead (lacp index rebuild repairs it)`);
      return null;
    }
    removeIndexFiles(runsDir);
    index = RunIndex.open(runsDir, sqlite.open);
  }
  if (catchUp) {
    try {
      index.sync({ scope });
    } catch (err) {
      // Another process holds the write lock for long (a rebuild): answer from what is indexed.
      if ((err as { code?: string }).code !== 'SQLITE_BUSY') {
        index.close();
        throw err;
      }
    }
  }
  return index;
}

export function removeIndexFiles(runsDir: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(join(runsDir, `${INDEX_FILE}${suffix}`), { force: true });
}
