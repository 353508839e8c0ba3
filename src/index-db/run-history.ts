import { foldRun, type RunRow } from '../core/task-view.js';
import { RunStore } from '../telemetry/run-store.js';
import { readTelemetry, unreadableLine } from '../telemetry/telemetry-reader.js';
import { failureKind, JSONL_FALLBACK, openIndex, unusableIndexLine, type Warn } from './open-index.js';
import { filterRuns, type TaskFilter } from './task-filter.js';
import { listRuns, skippedLinesByRun, type RunScope } from './task-query.js';

/** Runs named in the skipped-lines warning; the rest are counted ("and N more"). */
const NAMED_RUNS = 3;

/**
 * Runs and tasks for a listing: from runs/index.sqlite when there is one (brought
 * up to date first), else folded from the JSONL. Both give the same rows. Lines of the
 * listed runs that are not lacp events (a foreign or damaged line) are left out and
 * said in one warning, so a listing is never silently short.
 */
export async function listHistory(runsDir: string, scope: RunScope, filter: TaskFilter, warn: Warn, now = Date.now()): Promise<RunRow[]> {
  const index = await openIndex(runsDir, { mode: 'ifPresent', warn, scope });
  if (index) {
    try {
      const skipped = skippedLinesByRun(index.db, scope);
      const rows = listRuns(index.db, scope, filter, now);
      warnSkipped(skipped, warn);
      return rows;
    } catch (err) {
      damaged(runsDir, err, warn);
    } finally {
      index.close();
    }
  }
  const skipped = new Map<string, number>();
  const runs = foldJsonl(new RunStore(runsDir), scope, now, skipped, warn);
  warnSkipped(skipped, warn);
  return filterRuns(runs, filter);
}

export function foldJsonl(store: RunStore, scope: RunScope, now = Date.now(), skipped?: Map<string, number>, warn?: Warn): RunRow[] {
  const ids = scope === 'all' ? store.list() : scope === 'newest' ? store.list().slice(-1) : [scope.run];
  return ids.map((id) => {
    const read = readTelemetry(store.telemetryFile(id));
    if (read.unreadable) warn?.(unreadableLine(id, read.unreadable));
    // A torn last line is a writer mid-line, read when complete: not a skipped one.
    const foreign = read.skipped - (read.torn ? 1 : 0);
    if (foreign > 0) skipped?.set(id, foreign);
    return foldRun(id, read.events, now);
  });
}

/** An index damaged where only a query reads (SQLite checks pages as it meets them): the JSONL answers, told why. */
export function damaged(runsDir: string, err: unknown, warn: Warn): void {
  if (failureKind(err) !== 'broken') throw err;
  warn(`${unusableIndexLine(runsDir, err)}${JSONL_FALLBACK}`, 'broken');
}

function warnSkipped(byRun: ReadonlyMap<string, number>, warn: Warn): void {
  if (byRun.size === 0) return;
  const total = [...byRun.values()].reduce((a, b) => a + b, 0);
  const ids = [...byRun.keys()];
  const more = ids.length > NAMED_RUNS ? ` and ${ids.length - NAMED_RUNS} more run(s)` : '';
  warn(`skipped ${total} telemetry line(s) that are not lacp events (foreign or damaged) in ${ids.slice(0, NAMED_RUNS).join(', ')}${more}`);
}
