import type { SqliteDb } from './sqlite-driver.js';

/**
 * Bump on any change below: an index written with another version is dropped and
 * rebuilt from the JSONL by the next opener (the index is derived, never primary).
 */
export const SCHEMA_VERSION = 5;

/** How long a writer waits for another process's write transaction before giving up on this round. */
export const BUSY_TIMEOUT_MS = 5_000;

/** Page cache per connection: a rebuild touches the FTS and B-tree pages of ~100k events per transaction. */
const CACHE_KIB = 64 * 1024;

const TABLES = ['meta', 'sources', 'runs', 'tasks', 'events', 'events_fts', 'output_fts'] as const;

const ddl = (tokenize: string) => `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- One row per telemetry file: how far it is indexed (whole lines only) and how many lines were skipped.
CREATE TABLE sources (
  run_id TEXT PRIMARY KEY,
  offset INTEGER NOT NULL,
  skipped_lines INTEGER NOT NULL
);
-- run_key numbers runs in the order they were first indexed; event ids are built from it (see run-index.ts).
CREATE TABLE runs (
  run_id TEXT PRIMARY KEY,
  run_key INTEGER NOT NULL UNIQUE,
  sort_key TEXT NOT NULL,
  title TEXT,
  started_at TEXT
);
CREATE INDEX runs_sort ON runs (sort_key);
-- One row per task: its latest state and outcome, folded as src/core/task-view.ts folds events.
CREATE TABLE tasks (
  run_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  first_seq INTEGER NOT NULL,
  tool TEXT NOT NULL,
  mode TEXT NOT NULL,
  phase TEXT,
  agent_role TEXT,
  title TEXT,
  status TEXT NOT NULL,
  queued_at TEXT NOT NULL,
  started_at TEXT,
  ended_at TEXT,
  duration_ms INTEGER,
  exit_code INTEGER,
  error_class TEXT,
  summary TEXT NOT NULL,
  started_by TEXT,
  output_indexed INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, task_id)
) WITHOUT ROWID;
CREATE INDEX tasks_queued_at ON tasks (queued_at);
CREATE INDEX tasks_status ON tasks (status);
CREATE INDEX tasks_tool ON tasks (tool);
-- Every event: the common fields as columns, tool event data as text, its own other fields as JSON (detail).
-- id = run_key * 2^32 + seq: unique per (run, seq) and clustered by run with no extra index,
-- which keeps inserts cheap; a run's events are one id range (deletes, search --run).
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  run_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  ts TEXT NOT NULL,
  event TEXT NOT NULL,
  status TEXT NOT NULL,
  task_id TEXT,
  summary TEXT NOT NULL,
  data TEXT,
  detail TEXT NOT NULL
);
-- Full text over event summaries and tool event data; the text lives once, in events.
-- detail=column (no token positions): a quarter less indexing work and space; queries are words, not phrases.
CREATE VIRTUAL TABLE events_fts USING fts5 (
  summary, data,
  content = 'events', content_rowid = 'id', tokenize = "${tokenize}", detail = column
);
-- Full text over each finished task's output, bounded (see task-output.ts).
CREATE VIRTUAL TABLE output_fts USING fts5 (
  run_id, task_id UNINDEXED, stream UNINDEXED, ts UNINDEXED, text,
  tokenize = "${tokenize}"
);
`;

/**
 * Words are letters and digits (unicode61), and emoji and other pictographs separate them.
 * unicode61's tables predate the newer ones (🫠, 🥲: Unicode 13 and later) and took them for
 * letters, so `abc🫠def` was one word and a search for `abc` missed it; searches cut their
 * words the same way (search-hit.ts: wordTokens). Built when a schema is created (a scan of
 * the code points, a few ms), not when an index is opened: the index keeps it.
 */
function tokenizer(): string {
  let separators = '';
  for (let cp = 0xa0; cp <= 0x1ffff; cp++) {
    const c = String.fromCodePoint(cp);
    if (PICTOGRAPH.test(c) && !UNASSIGNED.test(c)) separators += c;
  }
  return `unicode61 remove_diacritics 2 separators '${separators}'`;
}
const PICTOGRAPH = /\p{Extended_Pictographic}/u;
const UNASSIGNED = /\p{Cn}/u;

/** WAL lets the CLI read while the daemon writes; the index is rebuildable, so NORMAL sync is enough. */
export function configure(db: SqliteDb): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  db.pragma(`cache_size = -${CACHE_KIB}`);
}

/** Creates the schema, or drops and recreates it when its version is not ours. Returns true when it (re)created. */
export function ensureSchema(db: SqliteDb): boolean {
  // Checked with a read first: the write lock is wanted only to recreate, so opening an index
  // another process is writing (a rebuild, the daemon's catch-up) does not wait for it, or fail.
  if (current(db) === SCHEMA_VERSION) return false;
  return db.transaction(() => {
    if (current(db) === SCHEMA_VERSION) return false;
    createSchema(db);
    return true;
  }).immediate();
}

/**
 * An index a newer lacp made (its daemon may be writing it): not ours to drop. Rebuilt here, it
 * would be rebuilt back by that lacp, each wiping the other's; the caller reads the JSONL instead.
 */
export class NewerSchemaError extends Error {
  readonly code = 'LACP_NEWER_SCHEMA';
  constructor(readonly version: number) {
    super(`made by a newer lacp (schema ${version}, this one knows ${SCHEMA_VERSION})`);
  }
}

function current(db: SqliteDb): number | null {
  const version = schemaVersion(db);
  if (version !== null && version > SCHEMA_VERSION) throw new NewerSchemaError(version);
  return version;
}

/** Drops every table and creates them empty: a rebuild starts from here. Call inside a write transaction. */
export function createSchema(db: SqliteDb): void {
  for (const table of [...TABLES].reverse()) db.exec(`DROP TABLE IF EXISTS ${table}`);
  db.exec(ddl(tokenizer()));
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('schema_version', String(SCHEMA_VERSION));
}

export function schemaVersion(db: SqliteDb): number | null {
  const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
  if (!hasMeta) return null;
  const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
  return row ? Number(row.value) : null;
}
