import { eventIdRange } from './index-statements.js';
import type { SqliteDb } from './sqlite-driver.js';
import { DEFAULT_SEARCH_LIMIT, HIT_END, HIT_START, newestFirst, queryWords, wordTokens, type SearchHit, type SearchOptions } from './search-hit.js';

/** Words of context on each side of a match in a snippet. */
const SNIPPET_TOKENS = 16;

/**
 * Full-text search over event summaries, tool event data and task output. Each
 * token is quoted, so user text is never FTS syntax; every token must occur. The
 * newest matches by index order are fetched (FTS walks its rowids backwards, which
 * stays fast for a word in every event), then merged by time.
 */
export function searchIndex(db: SqliteDb, text: string, opts: SearchOptions = {}): SearchHit[] {
  const tokens = queryWords(text).flatMap(wordTokens);
  if (tokens.length === 0) return [];
  const limit = opts.limit ?? DEFAULT_SEARCH_LIMIT;
  const terms = tokens.map((w) => `"${w.replaceAll('"', '""')}"`).join(' AND ');
  const runTerm = opts.run ? `run_id : "${opts.run.replaceAll('"', '""')}" AND ` : '';
  const runParam = opts.run ? [opts.run] : [];
  // A run's events are one id range, which FTS5 applies while it walks its index.
  const runKey = opts.run ? (db.prepare('SELECT run_key FROM runs WHERE run_id = ?').pluck().get(opts.run) as number | undefined) : undefined;
  if (opts.run && runKey === undefined) return [];
  const range = runKey === undefined ? [] : eventIdRange(runKey);
  const events = db
    .prepare(
      `SELECT e.run_id, e.task_id, e.ts, e.event AS source,
         snippet(events_fts, -1, '${HIT_START}', '${HIT_END}', '…', ${SNIPPET_TOKENS}) AS snippet
       FROM events_fts JOIN events e ON e.id = events_fts.rowid
       WHERE events_fts MATCH ? ${range.length ? 'AND events_fts.rowid BETWEEN ? AND ?' : ''}
       ORDER BY events_fts.rowid DESC LIMIT ?`,
    )
    .all(terms, ...range, limit) as Omit<SearchHit, 'kind'>[];
  const outputs = db
    .prepare(
      `SELECT run_id, task_id, ts, stream AS source,
         snippet(output_fts, 4, '${HIT_START}', '${HIT_END}', '…', ${SNIPPET_TOKENS}) AS snippet
       FROM output_fts WHERE output_fts MATCH ? ${opts.run ? 'AND run_id = ?' : ''} ORDER BY rowid DESC LIMIT ?`,
    )
    .all(`${runTerm}text : (${terms})`, ...runParam, limit) as Omit<SearchHit, 'kind'>[];
  return newestFirst(
    [...events.map((h) => ({ ...h, kind: 'event' as const })), ...outputs.map((h) => ({ ...h, kind: 'output' as const }))],
    limit,
  );
}
