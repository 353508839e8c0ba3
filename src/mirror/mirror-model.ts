import type { TelemetryEvent } from '../core/events.js';
import { compareRunIds } from '../core/ids.js';
import { foldRun, type RunRow, type TaskRow } from '../core/task-view.js';
import type { RunStore } from '../telemetry/run-store.js';
import { readTelemetry } from '../telemetry/telemetry-reader.js';

/** Runs shown: the newest few; a second screen is about what is happening now. */
export const MIRROR_RUNS = 5;
/** Event log lines a viewer gets when it connects. */
export const LOG_HISTORY = 300;
/** Summaries on the wire are cut here: a log line, not a transcript. */
const SUMMARY_MAX = 300;

export interface CheckpointView {
  kind: 'before' | 'after';
  /** `unresolved`: the task ended (cancelled, daemon stopped) while still waiting. */
  state: 'waiting' | 'approved' | 'rejected' | 'unresolved';
  reason: string | null;
}

export interface TaskView extends TaskRow {
  checkpoint: CheckpointView | null;
  artifacts: string[];
}

export interface RunView extends Omit<RunRow, 'tasks'> {
  tasks: TaskView[];
}

/** One line of the page's event log: the event without its bulky payloads (argv, tool data). */
export interface LogLine {
  ts: string;
  run_id: string;
  task_id: string | null;
  event: string;
  status: string;
  summary: string;
}

/**
 * What the page shows, kept in the daemon: the newest runs' events, read from
 * runs/ once and then appended to from the daemon's live events (so it survives
 * restarts: the files are the record).
 */
export class MirrorModel {
  private readonly runs = new Map<string, TelemetryEvent[]>();

  constructor(private readonly store: RunStore) {}

  load(): void {
    for (const runId of this.store.list().slice(-MIRROR_RUNS)) this.runs.set(runId, readTelemetry(this.store.telemetryFile(runId)).events.map(slim));
  }

  /**
   * Adds a live event: `old` when it was already read from the file, `gap` when an
   * earlier one is missing (it was still in the writer's buffer when the file was
   * read, before we listened): then resync() the run once the writer has flushed.
   */
  apply(event: TelemetryEvent): 'added' | 'gap' | 'old' {
    let events = this.runs.get(event.run_id);
    if (!events) {
      events = [];
      this.runs.set(event.run_id, events);
      const ids = [...this.runs.keys()].sort(compareRunIds);
      for (const old of ids.slice(0, Math.max(0, ids.length - MIRROR_RUNS))) this.runs.delete(old);
      if (!this.runs.has(event.run_id)) return 'old';
    }
    const lastSeq = events.at(-1)?.seq ?? 0;
    if (lastSeq >= event.seq) return 'old';
    events.push(slim(event));
    return event.seq === lastSeq + 1 ? 'added' : 'gap';
  }

  /** Re-reads a run's file, keeping live events newer than what it holds. */
  resync(runId: string): void {
    const current = this.runs.get(runId);
    if (!current) return;
    const fromFile = readTelemetry(this.store.telemetryFile(runId)).events.map(slim);
    const fileSeq = fromFile.at(-1)?.seq ?? 0;
    this.runs.set(runId, [...fromFile, ...current.filter((e) => e.seq > fileSeq)]);
  }

  tree(now = Date.now()): RunView[] {
    return [...this.runs.entries()]
      .sort(([a], [b]) => compareRunIds(b, a))
      .map(([runId, events]) => {
        const run = foldRun(runId, events, now);
        const extra = taskExtras(events);
        return { ...run, tasks: run.tasks.map((t) => ({ ...t, summary: cut(t.summary), title: t.title && cut(t.title), ...extra(t.task_id) })) };
      });
  }

  recentLog(limit = LOG_HISTORY): LogLine[] {
    const all = [...this.runs.values()].flat().sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
    return all.slice(-limit).map(logLine);
  }

  /** Interactive tasks of the shown runs, running ones first, then the most recent. */
  interactiveTasks(): TaskView[] {
    const tasks = this.tree().flatMap((r) => r.tasks.filter((t) => t.mode === 'interactive'));
    const rank = (t: TaskView) => (t.status === 'running' ? 0 : 1);
    return tasks.sort((a, b) => rank(a) - rank(b) || (a.queued_at < b.queued_at ? 1 : -1));
  }
}

export function logLine(e: TelemetryEvent): LogLine {
  return {
    ts: e.ts,
    run_id: e.run_id,
    task_id: 'task_id' in e ? e.task_id : null,
    event: e.event,
    status: e.status,
    summary: cut(e.summary),
  };
}

function taskExtras(events: readonly TelemetryEvent[]): (taskId: string) => { checkpoint: CheckpointView | null; artifacts: string[] } {
  const checkpoints = new Map<string, CheckpointView>();
  const artifacts = new Map<string, string[]>();
  for (const e of events) {
    if (e.event === 'checkpoint_required') checkpoints.set(e.task_id, { kind: e.checkpoint, state: 'waiting', reason: null });
    else if (e.event === 'checkpoint_resolved') {
      const cp = checkpoints.get(e.task_id);
      if (cp) checkpoints.set(e.task_id, { ...cp, state: e.decision, reason: e.reason });
    } else if (e.event === 'task_completed') {
      artifacts.set(e.task_id, e.artifacts);
      const cp = checkpoints.get(e.task_id);
      if (cp?.state === 'waiting') checkpoints.set(e.task_id, { ...cp, state: 'unresolved' });
    }
  }
  return (taskId) => ({ checkpoint: checkpoints.get(taskId) ?? null, artifacts: artifacts.get(taskId) ?? [] });
}

/** A tool's own event payload (an agent's JSON) is not shown and can be large: keep the line, not the payload. */
function slim(e: TelemetryEvent): TelemetryEvent {
  return e.event === 'tool_event' ? { ...e, data: null } : e;
}

function cut(text: string): string {
  return text.length > SUMMARY_MAX ? `${text.slice(0, SUMMARY_MAX - 1)}…` : text;
}
