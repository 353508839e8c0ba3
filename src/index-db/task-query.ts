import type { RunRow, TaskRow } from '../core/task-view.js';
import type { SqliteDb } from './sqlite-driver.js';
import { isEmptyFilter, type TaskFilter } from './task-filter.js';

/** Which runs a listing covers: one, the newest, or all. */
export type RunScope = { run: string } | 'newest' | 'all';

/**
 * Runs and their tasks from the index, as foldRun would give them from the JSONL:
 * oldest run first, tasks in order of first appearance, live durations up to `now`.
 * The CLI's `ls`, the TUI's `/` filter and the mirror all list through this.
 */
export function listRuns(db: SqliteDb, scope: RunScope, filter: TaskFilter = {}, now = Date.now()): RunRow[] {
  const runs = selectRuns(db, scope);
  if (runs.length === 0) return [];
  const where: string[] = [];
  const params: unknown[] = [];
  if (scope !== 'all') {
    where.push(`t.run_id IN (${runs.map(() => '?').join(', ')})`);
    params.push(...runs.map((r) => r.run_id));
  }
  const anyOf = (column: string, values: string[] | undefined) => {
    if (!values?.length) return;
    where.push(`${column} IN (${values.map(() => '?').join(', ')})`);
    params.push(...values);
  };
  anyOf('t.status', filter.status);
  anyOf('t.tool', filter.tool);
  anyOf('t.phase', filter.phase);
  anyOf('t.agent_role', filter.role);
  if (filter.since) {
    where.push('t.queued_at >= ?');
    params.push(filter.since);
  }
  if (filter.until) {
    where.push('t.queued_at <= ?');
    params.push(filter.until);
  }
  const sql = `SELECT t.* FROM tasks t JOIN runs r ON r.run_id = t.run_id
    ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY r.sort_key, t.first_seq`;
  const byRun = new Map(runs.map((r) => [r.run_id, r]));
  for (const row of db.prepare(sql).all(...params) as (TaskRow & { first_seq?: number; output_indexed?: number })[]) {
    const { first_seq: _seq, output_indexed: _out, ...task } = row;
    if (task.ended_at === null && task.started_at !== null) task.duration_ms = Math.max(0, now - Date.parse(task.started_at));
    byRun.get(task.run_id)?.tasks.push(task);
  }
  const all = [...byRun.values()];
  return isEmptyFilter(filter) ? all : all.filter((r) => r.tasks.length > 0);
}

function selectRuns(db: SqliteDb, scope: RunScope): RunRow[] {
  const cols = 'run_id, title, started_at';
  const rows =
    scope === 'all'
      ? db.prepare(`SELECT ${cols} FROM runs ORDER BY sort_key`).all()
      : scope === 'newest'
        ? db.prepare(`SELECT ${cols} FROM runs ORDER BY sort_key DESC LIMIT 1`).all()
        : db.prepare(`SELECT ${cols} FROM runs WHERE run_id = ?`).all(scope.run);
  return (rows as Omit<RunRow, 'tasks'>[]).map((r) => ({ ...r, tasks: [] }));
}

/** Lines skipped over all files so far (foreign or unparseable whole lines). */
export function skippedLines(db: SqliteDb): number {
  return (db.prepare('SELECT COALESCE(SUM(skipped_lines), 0) FROM sources').pluck().get() as number) ?? 0;
}

/** Lines skipped per run (foreign or unparseable whole lines) of the runs `scope` covers, oldest run first. */
export function skippedLinesByRun(db: SqliteDb, scope: RunScope): Map<string, number> {
  const runs = selectRuns(db, scope).map((r) => r.run_id);
  const rows = db
    .prepare(
      `SELECT s.run_id, s.skipped_lines FROM sources s JOIN runs r ON r.run_id = s.run_id
       WHERE s.skipped_lines > 0 ${scope === 'all' ? '' : `AND s.run_id IN (${runs.map(() => '?').join(', ') || "''"})`} ORDER BY r.sort_key`,
    )
    .all(...(scope === 'all' ? [] : runs)) as { run_id: string; skipped_lines: number }[];
  return new Map(rows.map((r) => [r.run_id, r.skipped_lines]));
}
