/** One search result, from the index or from the JSONL scan alike. */
export interface SearchHit {
  kind: 'event' | 'output';
  run_id: string;
  task_id: string | null;
  ts: string;
  /** The event's name, or the output stream (`stdout`/`stderr`). */
  source: string;
  /** The matching passage, raw task text: sanitize before printing. Matches are wrapped in HIT_START/HIT_END. */
  snippet: string;
}

export interface SearchOptions {
  run?: string;
  limit?: number;
}

/** Private-use characters around each match: they survive sanitizing, and the printer turns them into emphasis. */
export const HIT_START = '\uE000';
export const HIT_END = '\uE001';
export const DEFAULT_SEARCH_LIMIT = 50;

/** The words of a query, as both searches match them: every word must occur. */
export function queryWords(text: string): string[] {
  return text.split(/\s+/).filter(Boolean);
}

/**
 * The tokens of a word as the FTS tokenizer (unicode61) cuts them: letters and digits
 * (`quokka_init` -> quokka, init). The index keeps no positions, so a word becomes all of its tokens.
 */
export function wordTokens(word: string): string[] {
  return word.split(/[^\p{L}\p{N}\p{Co}]+/u).filter(Boolean);
}

/** Newest first, then cut to the limit. */
export function newestFirst(hits: SearchHit[], limit: number): SearchHit[] {
  return hits.sort((a, b) => (a.ts < b.ts ? 1 : a.ts > b.ts ? -1 : 0)).slice(0, limit);
}
