import { searchJsonl } from './jsonl-search.js';
import { openIndex, type Warn } from './open-index.js';
import { damaged } from './run-history.js';
import type { SearchHit, SearchOptions } from './search-hit.js';
import { searchIndex } from './search-query.js';

/**
 * The search `lacp search` runs: over the index (created if missing, brought up to date), else
 * over the JSONL when SQLite cannot load or the index cannot be used.
 */
export async function searchHistory(runsDir: string, text: string, opts: SearchOptions, warn: Warn): Promise<SearchHit[]> {
  const index = await openIndex(runsDir, { mode: 'create', warn, scope: opts.run ? { run: opts.run } : 'all' });
  if (index) {
    try {
      return searchIndex(index.db, text, opts);
    } catch (err) {
      damaged(runsDir, err, warn);
    } finally {
      index.close();
    }
  }
  return searchJsonl(runsDir, text, opts);
}

