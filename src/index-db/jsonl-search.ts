import { join } from 'node:path';
import { RunStore } from '../telemetry/run-store.js';
import { readTelemetry } from '../telemetry/telemetry-reader.js';
import { DEFAULT_SEARCH_LIMIT, HIT_END, HIT_START, newestFirst, queryWords, type SearchHit, type SearchOptions } from './search-hit.js';
import { OUTPUT_STREAMS, readBoundedOutput } from './task-output.js';

/** Characters of context on each side of the first match. */
const SNIPPET_CONTEXT = 60;

/**
 * The search without the index (better-sqlite3 did not load): reads every run's
 * JSONL and the bounded output of finished tasks, and matches each word as a
 * case-insensitive substring. Slower and a little looser than the FTS, same shape.
 */
export function searchJsonl(runsDir: string, text: string, opts: SearchOptions = {}): SearchHit[] {
  const words = queryWords(text).map((w) => w.toLowerCase());
  if (words.length === 0) return [];
  const store = new RunStore(runsDir);
  const hits: SearchHit[] = [];
  for (const runId of opts.run ? [opts.run] : store.list()) {
    for (const e of readTelemetry(store.telemetryFile(runId)).events) {
      const taskId = 'task_id' in e ? e.task_id : null;
      const data = e.event === 'tool_event' ? JSON.stringify(e.data ?? null) : '';
      const snippet = matchSnippet(e.summary, words) ?? matchSnippet(data, words, e.summary);
      if (snippet) hits.push({ kind: 'event', run_id: runId, task_id: taskId, ts: e.ts, source: e.event, snippet });
      if (e.event !== 'task_completed') continue;
      for (const stream of OUTPUT_STREAMS) {
        const out = readBoundedOutput(store.runDir(runId), join('tasks', e.task_id, `${stream}.log`));
        const snip = matchSnippet(out, words);
        if (snip) hits.push({ kind: 'output', run_id: runId, task_id: e.task_id, ts: e.ts, source: stream, snippet: snip });
      }
    }
  }
  return newestFirst(hits, opts.limit ?? DEFAULT_SEARCH_LIMIT);
}

/** A window around the first word when every word occurs in `text` (or in `text` plus `also`). */
function matchSnippet(text: string, words: string[], also = ''): string | null {
  const lower = text.toLowerCase();
  const both = `${lower}\n${also.toLowerCase()}`;
  if (!words.every((w) => both.includes(w))) return null;
  const at = words.map((w) => lower.indexOf(w)).find((i) => i >= 0);
  if (at === undefined) return null;
  const word = words.find((w) => lower.indexOf(w) === at)!;
  const start = Math.max(0, at - SNIPPET_CONTEXT);
  const end = Math.min(text.length, at + word.length + SNIPPET_CONTEXT);
  return `${start > 0 ? '…' : ''}${text.slice(start, at)}${HIT_START}${text.slice(at, at + word.length)}${HIT_END}${text.slice(at + word.length, end)}${end < text.length ? '…' : ''}`;
}
