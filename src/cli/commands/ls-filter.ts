import { FilterError, isEmptyFilter, parseList, parseStatuses, parseTimeBound, type TaskFilter } from '../../index-db/task-filter.js';
import { CliError } from '../cli-error.js';

/** `lacp ls` filter flags; each takes a comma-separated list or a time. */
export const LS_FILTER_OPTIONS = {
  status: { type: 'string' },
  tool: { type: 'string' },
  phase: { type: 'string' },
  role: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
} as const;

export const LS_FILTER_HELP = `  --status S[,S]  --tool T[,T]  --phase P[,P]  --role R[,R]: tasks with any of those values.
  --since / --until TIME: tasks queued in that range (2h, 7d, 2026-11-24, 2026-11-24T10:00:00Z);
  a day alone is UTC, and --until DAY includes that day.
  With a filter and no --run, every run is searched and runs without a match are left out.`;

type FilterFlags = Partial<Record<keyof typeof LS_FILTER_OPTIONS, string>>;

/** The flags as a TaskFilter; a bad value is the command's one-line usage error. */
export function filterFromFlags(flags: FilterFlags, now = Date.now()): { filter: TaskFilter; filtered: boolean } {
  try {
    const filter: TaskFilter = {
      status: flags.status === undefined ? undefined : parseStatuses('--status', flags.status),
      tool: flags.tool === undefined ? undefined : parseList('--tool', flags.tool),
      phase: flags.phase === undefined ? undefined : parseList('--phase', flags.phase),
      role: flags.role === undefined ? undefined : parseList('--role', flags.role),
      since: flags.since === undefined ? undefined : parseTimeBound('--since', flags.since, now),
      until: flags.until === undefined ? undefined : parseTimeBound('--until', flags.until, now),
    };
    // An empty range by construction is a mistake (the two swapped), not a question with no answer.
    if (filter.since && filter.until && filter.since > filter.until)
      throw new FilterError(`--since ${flags.since} is later than --until ${flags.until} (no task could match)`);
    return { filter, filtered: !isEmptyFilter(filter) };
  } catch (err) {
    if (err instanceof FilterError) throw new CliError(`lacp ls: ${err.message}`);
    throw err;
  }
}
