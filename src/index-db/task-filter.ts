import { isTaskStatus, TASK_STATUSES, type TaskStatus } from '../core/status-values.js';
import type { RunRow, TaskRow } from '../core/task-view.js';

/**
 * Which tasks a listing shows. The same filter is answered by SQL over the index
 * (task-query.ts) and by this predicate over rows folded from the JSONL, so both
 * paths give the same answer. Lists mean "any of"; bounds are on `queued_at`.
 */
export interface TaskFilter {
  status?: TaskStatus[];
  tool?: string[];
  phase?: string[];
  role?: string[];
  /** ISO 8601 UTC with milliseconds (as events carry them), inclusive. */
  since?: string;
  until?: string;
}

export function isEmptyFilter(f: TaskFilter): boolean {
  return !f.status?.length && !f.tool?.length && !f.phase?.length && !f.role?.length && !f.since && !f.until;
}

export function matchesTask(t: TaskRow, f: TaskFilter): boolean {
  if (f.status?.length && !f.status.includes(t.status)) return false;
  if (f.tool?.length && !f.tool.includes(t.tool)) return false;
  if (f.phase?.length && (t.phase === null || !f.phase.includes(t.phase))) return false;
  if (f.role?.length && (t.agent_role === null || !f.role.includes(t.agent_role))) return false;
  if (f.since && t.queued_at < f.since) return false;
  if (f.until && t.queued_at > f.until) return false;
  return true;
}

/** Keeps the matching tasks; with a filter, runs left without tasks are dropped. */
export function filterRuns(runs: RunRow[], f: TaskFilter): RunRow[] {
  if (isEmptyFilter(f)) return runs;
  return runs.map((r) => ({ ...r, tasks: r.tasks.filter((t) => matchesTask(t, f)) })).filter((r) => r.tasks.length > 0);
}

/** Thrown for a filter value that cannot mean anything; the CLI turns it into its usage line. */
export class FilterError extends Error {}

/** `failed,timed_out` -> the statuses, each checked against the registry. */
export function parseStatuses(flag: string, value: string): TaskStatus[] {
  return parseList(flag, value).map((s) => {
    if (!isTaskStatus(s)) throw new FilterError(`${flag} ${s}: expected one of ${TASK_STATUSES.join(', ')}`);
    return s;
  });
}

/**
 * `sh,opencode` -> its values. A list with none (`--status ""`, a script's unset variable)
 * is refused: taken as no filter, it would list everything as if it matched.
 */
export function parseList(flag: string, value: string): string[] {
  const values = splitList(value);
  if (values.length === 0) throw new FilterError(`${flag} ${JSON.stringify(value)}: expected a value (or a comma-separated list)`);
  return values;
}

export function splitList(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** The last millisecond of a day: `--until 2026-11-24` means up to the end of that day, as a person reads it. */
const DAY_END_MS = 86_400_000 - 1;

/** Date.parse rolls a day past the month's end over (2026-02-30 is 2 March): a typo would then filter silently. */
function realCalendarDay(value: string): boolean {
  const day = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!day) return true;
  const [y, m, d] = [Number(day[1]), Number(day[2]), Number(day[3])];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/**
 * `30m`, `2h`, `7d` (ago), `2026-11-24` or a full ISO 8601 time -> ISO UTC with milliseconds.
 * A day alone is its start for `--since` and its end for `--until` (UTC, as run ids and events count days).
 */
export function parseTimeBound(flag: string, value: string, now: number): string {
  const relative = /^(\d+)([smhdw])$/.exec(value);
  if (relative) {
    const ms = now - Number(relative[1]) * UNIT_MS[relative[2]!]!;
    // Past what a Date holds (about 270,000 years): no task is that old, and toISOString would throw.
    if (Number.isNaN(new Date(ms).getTime())) throw new FilterError(`${flag} ${value}: too far back (expected a time like 2h, 7d or 2026-11-24)`);
    return new Date(ms).toISOString();
  }
  const dayOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const parsed = dayOnly ? Date.parse(`${value}T00:00:00Z`) : Date.parse(value);
  if (Number.isNaN(parsed) || !realCalendarDay(value)) throw new FilterError(`${flag} ${value}: expected a time like 2h, 7d, 2026-11-24 or 2026-11-24T10:00:00Z`);
  return new Date(dayOnly && flag === '--until' ? parsed + DAY_END_MS : parsed).toISOString();
}
