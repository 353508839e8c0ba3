import type { TelemetryEvent } from './events.js';
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
  const run: RunRow = { run_id: runId, title: null, started_at: null, tasks: [] };
  const byId = new Map<string, TaskRow>();
  for (const e of events) {
    if (e.event === 'run_started') {
      run.title = e.title;
      run.started_at = e.ts;
      continue;
    }
    let row = byId.get(e.task_id);
    if (!row) {
      row = {
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
      byId.set(e.task_id, row);
      run.tasks.push(row);
    }
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
  for (const row of run.tasks)
    if (row.ended_at === null && row.started_at !== null) row.duration_ms = Math.max(0, now - Date.parse(row.started_at));
  return run;
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
