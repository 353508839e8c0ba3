import type { SqliteDb } from './sqlite-driver.js';
import { DEFAULT_SEARCH_LIMIT, HIT_END, HIT_START, newestFirst, queryWords, type SearchHit, type SearchOptions } from './search-hit.js';

/** Words of context on each side of a match in a snippet. */
const SNIPPET_TOKENS = 16;

/**
 * Full-text search over event summaries, tool event data and task output. Each
 * word is quoted, so user text is never FTS syntax; every word must occur. The
 * newest matches by index order are fetched (FTS walks its rowids backwards, which
 * stays fast for a word in every event), then merged by time.
 */
export function searchIndex(db: SqliteDb, text: string, opts: SearchOptions = {}): SearchHit[] {
  const words = queryWords(text);
  if (words.length === 0) return [];
  const limit = opts.limit ?? DEFAULT_SEARCH_LIMIT;
  const terms = words.map((w) => `"${w.replaceAll('"', '""')}"`).join(' AND ');
  const runTerm = opts.run ? `run_id : "${opts.run.replaceAll('"', '""')}" AND ` : '';
  const runCheck = opts.run ? 'AND e.run_id = ?' : '';
  const runParam = opts.run ? [opts.run] : [];
  const events = db
    .prepare(
      `SELECT e.run_id, e.task_id, e.ts, e.event AS source,
         snippet(events_fts, -1, '${HIT_START}', '${HIT_END}', '…', ${SNIPPET_TOKENS}) AS snippet
       FROM events_fts JOIN events e ON e.id = events_fts.rowid
       WHERE events_fts MATCH ? ${runCheck} ORDER BY events_fts.rowid DESC LIMIT ?`,
    )
    .all(`${runTerm}{summary data} : (${terms})`, ...runParam, limit) as Omit<SearchHit, 'kind'>[];
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
