import type { TaskEvent } from '../core/events.js';
import { applyToTaskRow, newTaskRow, type TaskRow } from '../core/task-view.js';

/** A task row as the index stores it: the listing row plus where it first appeared. */
export interface IndexedTask extends TaskRow {
  first_seq: number;
  output_indexed: boolean;
}

/**
 * Applies one event to a task's stored row with the fold every view uses (core/task-view),
 * so a row built event by event equals the row `lacp ls` folds from the JSONL. `runId` is
 * the run the file belongs to. Durations of live tasks stay null here: they run to "now",
 * which a query supplies.
 */
export function applyTaskEvent(row: IndexedTask | undefined, e: TaskEvent, runId: string): IndexedTask {
  const next: IndexedTask = row ?? { ...newTaskRow(e, runId), first_seq: e.seq, output_indexed: false };
  applyToTaskRow(next, e);
  return next;
}
