import { FINAL_STATUSES } from '../../core/status-values.js';
import { foldRun, formatDuration, type RunRow } from '../../core/task-view.js';
import { oneLine } from '../../core/terminal-text.js';
import { listHistory } from '../../index-db/run-history.js';
import { RunStore } from '../../telemetry/run-store.js';
import { readTelemetry } from '../../telemetry/telemetry-reader.js';
import { parse } from '../args.js';
import { CliContext, NO_RUNS_LINE } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import { filterFromFlags, LS_FILTER_HELP, LS_FILTER_OPTIONS } from './ls-filter.js';

export const LS_HELP = `lacp ls [--run RUN_ID] [--all] [--status S] [--tool T] [--phase P] [--role R] [--since TIME] [--until TIME] [--json]
  Runs and their tasks: status, tool, mode, duration, exit code. Default: the newest run.
  Answered from runs/index.sqlite when present (lacp index rebuild), else from the JSONL files.
${LS_FILTER_HELP}`;

export function loadRuns(runs: RunStore, ids: string[], now = Date.now()): RunRow[] {
  return ids.map((id) => foldRun(id, readTelemetry(runs.telemetryFile(id)).events, now));
}

export async function lsCommand(argv: string[]): Promise<number> {
  const { values } = parse('ls', argv, { run: { type: 'string' }, all: { type: 'boolean' }, ...LS_FILTER_OPTIONS }, false);
  const { filter, filtered } = filterFromFlags(values);
  const ctx = new CliContext(values.workspace);
  const runs = new RunStore(ctx.paths.runsDir);
  if (values.run && !runs.exists(values.run)) throw new CliError(`no run ${values.run} in ${runs.runsDir}`);
  const scope = values.run ? { run: values.run } : values.all || filtered ? 'all' : 'newest';
  const warned = new Set<string>(); // the listing may be read twice (settleOrphans): each warning once
  const warn = (line: string) => {
    if (!warned.has(line)) process.stderr.write(`lacp: warning: ${line}\n`);
    warned.add(line);
  };
  let rows = await listHistory(runs.runsDir, scope, filter, warn);
  if (rows.some((run) => run.tasks.some((t) => !FINAL_STATUSES.has(t.status)))) {
    const settled = await settleOrphans(ctx, warn);
    ctx.close();
    if (!settled) rows = await listHistory(runs.runsDir, scope, filter, warn);
  }
  if (values.json) {
    ctx.print(JSON.stringify({ runs: rows }));
    return 0;
  }
  if (rows.length === 0) {
    ctx.print(filtered ? 'no task matches' : NO_RUNS_LINE);
    return 0;
  }
  ctx.printAll(rows.flatMap(runLines));
  return 0;
}

/**
 * Tasks in flight but no daemon answering: it died under them (kill -9, a reboot). A list
 * must not show them running forever, so ls starts the daemon, whose recovery settles
 * them as lost before it answers. Returns true when nothing changed (a daemon was up).
 */
async function settleOrphans(ctx: CliContext, warn: (line: string) => void): Promise<boolean> {
  if (await ctx.daemonIfRunning()) return true;
  try {
    await ctx.daemon();
  } catch (err) {
    warn(`tasks show as in flight but no daemon runs them, and none could start: ${(err as Error).message}`);
    return true;
  }
  return false;
}

function runLines(run: RunRow): string[] {
  const title = run.title ? `  ${oneLine(run.title, 60)}` : '';
  const heading = `${run.run_id}${title}  (${run.tasks.length} task${run.tasks.length === 1 ? '' : 's'})`;
  if (run.tasks.length === 0) return [heading];
  const table = [
    ['TASK', 'STATUS', 'TOOL', 'MODE', 'PHASE', 'ROLE', 'DURATION', 'EXIT', 'SUMMARY'],
    ...run.tasks.map((t) => [
      t.task_id,
      t.status,
      t.tool,
      t.mode,
      t.phase ?? '-',
      t.agent_role ?? '-',
      formatDuration(t.duration_ms),
      t.exit_code === null ? '-' : String(t.exit_code),
      oneLine(t.summary, 60),
    ]),
  ].map((cols) => cols.map((c) => oneLine(c, 60)));
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  return [heading, ...table.map((cols) => `  ${cols.map((c, i) => (i === cols.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}`.trimEnd())];
}
