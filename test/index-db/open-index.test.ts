import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openIndex } from '../../src/index-db/open-index.js';
import { listHistory } from '../../src/index-db/run-history.js';
import { searchHistory } from '../../src/index-db/search-history.js';
import { SCHEMA_VERSION, schemaVersion } from '../../src/index-db/index-schema.js';
import { INDEX_FILE } from '../../src/index-db/run-index.js';
import { loadSqlite, type SqliteDb } from '../../src/index-db/sqlite-driver.js';
import { listRuns } from '../../src/index-db/task-query.js';
import { damageIndexTable, RunFixture } from './telemetry-fixture.js';

let root: string;
let runsDir: string;
let holder: SqliteDb | null = null;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'lacp-open-index-'));
  runsDir = join(root, 'runs');
  new RunFixture(runsDir, 'RUN-20261120-001').start('first').task({ id: 't-one', status: 'failed' });
});

afterEach(() => {
  holder?.close();
  holder = null;
  rmSync(root, { recursive: true, force: true });
});

/** A second connection holding the write lock, as a long `lacp index rebuild` or a daemon's catch-up does. */
async function holdWriteLock(): Promise<SqliteDb> {
  const sqlite = await loadSqlite();
  if (!sqlite.ok) throw new Error(sqlite.reason);
  const db = sqlite.open(join(runsDir, INDEX_FILE));
  db.exec('BEGIN IMMEDIATE');
  return db;
}

// The catch-up waits out the index's busy timeout (5 s) before answering from what is indexed.
const BUSY_TEST_TIMEOUT_MS = 30_000;

describe('openIndex', { timeout: BUSY_TEST_TIMEOUT_MS }, () => {
  it('opens an index another process is writing without deleting it, and answers from its rows', async () => {
    const warnings: string[] = [];
    const warn = (line: string) => warnings.push(line);
    (await openIndex(runsDir, { mode: 'create', warn }))!.close();
    const inode = statSync(join(runsDir, INDEX_FILE)).ino;
    holder = await holdWriteLock();
    for (const mode of ['create', 'ifPresent'] as const) {
      const index = await openIndex(runsDir, { mode, warn });
      expect(index).not.toBeNull();
      expect(listRuns(index!.db, 'all').map((r) => r.tasks.map((t) => `${t.task_id} ${t.status}`))).toEqual([['t-one failed']]);
      index!.close();
    }
    expect(statSync(join(runsDir, INDEX_FILE)).ino).toBe(inode);
    expect(warnings).toEqual([]);
  });
});

describe('an index of a newer lacp', () => {
  it('is left as it is (that lacp, its daemon perhaps, is using it): the caller reads the JSONL, told why in one line', async () => {
    (await openIndex(runsDir, { mode: 'create', warn: () => {} }))!.close();
    const sqlite = await loadSqlite();
    if (!sqlite.ok) throw new Error(sqlite.reason);
    const newer = sqlite.open(join(runsDir, INDEX_FILE));
    newer.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(String(SCHEMA_VERSION + 1));
    newer.close();
    for (const mode of ['create', 'ifPresent'] as const) {
      const warnings: string[] = [];
      expect(await openIndex(runsDir, { mode, warn: (line) => warnings.push(line) })).toBeNull();
      expect(warnings).toEqual([
        `SQLite index ${join(runsDir, INDEX_FILE)} was made by a newer lacp (schema ${SCHEMA_VERSION + 1}, this one knows ${SCHEMA_VERSION}); reading the JSONL files instead`,
      ]);
    }
    const check = sqlite.open(join(runsDir, INDEX_FILE));
    expect(schemaVersion(check)).toBe(SCHEMA_VERSION + 1);
    check.close();
  });
});

describe('an index damaged where only a query finds it', () => {
  it('ls and search answer from the JSONL, with one warning, instead of an internal error', async () => {
    new RunFixture(runsDir, 'RUN-20261121-001').start('second').task({ id: 't-two', summary: 'wombat overflow' });
    (await openIndex(runsDir, { mode: 'create', warn: () => {} }))!.close();
    await damageIndexTable(runsDir, 'tasks');
    await damageIndexTable(runsDir, 'events_fts_data');
    const warnings: string[] = [];
    const warn = (line: string) => warnings.push(line);
    const runs = await listHistory(runsDir, 'all', { status: ['failed'] }, warn);
    expect(runs.map((r) => r.tasks.map((t) => t.task_id))).toEqual([['t-one']]);
    expect(warnings.splice(0)).toEqual([expect.stringMatching(/unreadable \(database disk image is malformed; lacp index rebuild repairs it\); reading the JSONL files instead$/)]);
    const hits = await searchHistory(runsDir, 'wombat', {}, warn);
    expect(hits.map((h) => h.task_id)).toContain('t-two');
    expect(warnings).toEqual([expect.stringMatching(/unreadable \(database disk image is malformed; lacp index rebuild repairs it\); reading the JSONL files instead$/)]);
  });
});
