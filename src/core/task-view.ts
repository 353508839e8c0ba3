import type { TaskEvent, TelemetryEvent } from './events.js';
import type { ErrorClass, TaskMode, TaskStatus } from './status.js';

/** A task as listings show it, folded from its events. */
export interface TaskRow {
  task_id: string;
  run_id: string;
  tool: string;
  mode: TaskMode;
  phase: string | null;
  agent_role: string | null;
  title: string | null;
  status: TaskStatus;
  queued_at: string;
  started_at: string | null;
  ended_at: string | null;
  duration_ms: number | null;
  exit_code: number | null;
  error_class: ErrorClass | null;
  summary: string;
  started_by: string | null;
}

export interface RunRow {
  run_id: string;
  title: string | null;
  started_at: string | null;
  tasks: TaskRow[];
}

/** Folds a run's events, oldest first, into its task rows. Durations of live tasks run to `now`. */
export function foldRun(runId: string, events: readonly TelemetryEvent[], now: number): RunRow {
  const fold = new RunFold(runId);
  for (const e of events) fold.apply(e);
  return fold.rows(now);
}

/**
 * A run's task rows kept up to date one event at a time: what a live view holds instead
 * of the events themselves, so its memory and its refresh grow with tasks, not events.
 */
export class RunFold {
  private readonly run: RunRow;
  private readonly byId = new Map<string, TaskRow>();

  constructor(runId: string) {
    this.run = { run_id: runId, title: null, started_at: null, tasks: [] };
  }

  apply(e: TelemetryEvent): void {
    if (e.event === 'run_started') {
      this.run.title = e.title;
      this.run.started_at = e.ts;
      return;
    }
    let row = this.byId.get(e.task_id);
    if (!row) {
      row = newTaskRow(e, this.run.run_id);
      this.byId.set(e.task_id, row);
      this.run.tasks.push(row);
    }
    applyToTaskRow(row, e);
  }

  /** A copy of the rows as of `now`: live tasks' durations run to it. */
  rows(now: number): RunRow {
    const tasks = this.run.tasks.map((row) =>
      row.ended_at === null && row.started_at !== null ? { ...row, duration_ms: Math.max(0, now - Date.parse(row.started_at)) } : { ...row },
    );
    return { ...this.run, tasks };
  }
}

/** A task's row as its first event describes it (before that event is applied). */
export function newTaskRow(e: TaskEvent, runId: string): TaskRow {
  return {
    task_id: e.task_id,
    run_id: runId,
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
  };
}

/**
 * One of a task's events applied to its row: the one rule every fold uses (the run
 * tree here, the SQLite index event by event), so their rows always agree.
 */
export function applyToTaskRow(row: TaskRow, e: TaskEvent): void {
  row.status = e.status;
  if (e.event === 'task_queued') {
    row.title = e.summary;
    row.started_by = e.started_by ?? null;
  }
  if (e.event === 'task_started') row.started_at = e.ts;
  if (e.event === 'task_completed') {
    row.ended_at = e.ts;
    row.duration_ms = e.duration_ms;
    row.exit_code = e.exit_code;
    row.error_class = e.error_class;
    row.summary = e.summary;
  } else if (e.event !== 'tool_event' && e.event !== 'signal_sent') {
    row.summary = e.summary;
  }
}

/** `1.2s`, `3m04s`, `2h05m`: short enough for a column. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '-';
  if (ms < 1000) return `${ms}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
