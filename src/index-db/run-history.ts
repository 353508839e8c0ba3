import { foldRun, type RunRow } from '../core/task-view.js';
import { RunStore } from '../telemetry/run-store.js';
import { readTelemetry } from '../telemetry/telemetry-reader.js';
import { openIndex, type Warn } from './open-index.js';
import { filterRuns, type TaskFilter } from './task-filter.js';
import { listRuns, type RunScope } from './task-query.js';

/**
 * Runs and tasks for a listing: from runs/index.sqlite when there is one (brought
 * up to date first), else folded from the JSONL. Both give the same rows.
 */
export async function listHistory(runsDir: string, scope: RunScope, filter: TaskFilter, warn: Warn, now = Date.now()): Promise<RunRow[]> {
  const index = await openIndex(runsDir, { mode: 'ifPresent', warn, scope });
  if (index) {
    try {
      return listRuns(index.db, scope, filter, now);
    } finally {
      index.close();
    }
  }
  return filterRuns(foldJsonl(new RunStore(runsDir), scope, now), filter);
}

export function foldJsonl(store: RunStore, scope: RunScope, now = Date.now()): RunRow[] {
  const ids = scope === 'all' ? store.list() : scope === 'newest' ? store.list().slice(-1) : [scope.run];
  return ids.map((id) => foldRun(id, readTelemetry(store.telemetryFile(id)).events, now));
}
