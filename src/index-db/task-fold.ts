import type { TaskEvent } from '../core/events.js';
import type { TaskRow } from '../core/task-view.js';

/** A task row as the index stores it: the listing row plus where it first appeared. */
export interface IndexedTask extends TaskRow {
  first_seq: number;
  output_indexed: boolean;
}

/**
 * Applies one event to a task's row, the way foldRun (src/core/task-view.ts) folds a
 * whole run, so a row built event by event equals the row folded at once. Durations
 * `runId` is the run the file belongs to (as foldRun takes it). Durations
 * of live tasks are left null here: they run to "now", which a query supplies.
 */
export function applyTaskEvent(row: IndexedTask | undefined, e: TaskEvent, runId: string): IndexedTask {
  const next: IndexedTask = row ?? {
    task_id: e.task_id,
    run_id: runId,
    first_seq: e.seq,
    tool: e.tool,
    mode: e.mode,
    phase: e.phase,
    agent_role: e.agent_role,
    title: null,
    status: e.status,
    queued_at: e.ts,
    started_at: null,
    ended_at: null,
    duration_ms: null,
    exit_code: null,
    error_class: null,
    summary: e.summary,
    started_by: null,
    output_indexed: false,
  };
  next.status = e.status;
  if (e.event === 'task_queued') {
    next.title = e.summary;
    next.started_by = e.started_by ?? null;
  }
  if (e.event === 'task_started') next.started_at = e.ts;
  if (e.event === 'task_completed') {
    next.ended_at = e.ts;
    next.duration_ms = e.duration_ms;
    next.exit_code = e.exit_code;
    next.error_class = e.error_class;
    next.summary = e.summary;
  } else if (e.event !== 'tool_event' && e.event !== 'signal_sent') {
    next.summary = e.summary;
  }
  return next;
}
