import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { INDEX_FILE } from '../../index-db/run-index.js';
import { failureKind, JSONL_FALLBACK, openIndex, removeIndexFiles, unusableIndexLine, type Warn } from '../../index-db/open-index.js';
import type { RunIndex, SyncReport } from '../../index-db/run-index.js';
import { skippedLines } from '../../index-db/task-query.js';
import { parse } from '../args.js';
import { CliContext } from '../cli-context.js';
import { CliError, EXIT_USAGE } from '../cli-error.js';

export const INDEX_HELP = `lacp index rebuild | status [--json]
  rebuild: drops runs/index.sqlite's rows and indexes every run's JSONL again; prints counts and time.
  status: what the index holds, and how many telemetry lines it skipped (torn or foreign).`;

/** Not a usage error: the command is right, but this machine cannot run the SQLite driver. */
const EXIT_NO_INDEX = 1;

export async function indexCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('index', argv, {});
  const [action, ...extra] = positionals;
  if ((action !== 'rebuild' && action !== 'status') || extra.length) throw new CliError('lacp index: expected rebuild or status (lacp index --help)');
  const ctx = new CliContext(values.workspace);
  const runsDir = ctx.paths.runsDir;
  if (!existsSync(runsDir)) {
    // The same JSON shape as with runs, zeroed: a script reads one shape.
    const zeros =
      action === 'rebuild'
        ? { runs: 0, events: 0, skipped: 0, outputs: 0, removed: 0, more: false, seconds: 0, events_per_second: 0 }
        : { file: join(runsDir, INDEX_FILE), bytes: 0, runs: 0, tasks: 0, events: 0, outputs: 0, skipped_lines: 0 };
    ctx.print(values.json ? JSON.stringify(zeros) : `nothing to index: no runs in ${runsDir}`);
    return 0;
  }
  let warning = '';
  let denied = false;
  const warn: Warn = (line, kind) => {
    // Here there is no JSONL to fall back to: the line is the command's failure.
    warning = kind ? line.replace(JSONL_FALLBACK, '') : line;
    denied = kind === 'denied';
  };
  const index = await openIndex(runsDir, { mode: 'create', catchUp: action === 'status', warn });
  // An index this user may not write is the user's to sort out (as a workspace it cannot write in: exit 2).
  if (!index) throw new CliError(warning, denied ? EXIT_USAGE : EXIT_NO_INDEX);
  try {
    if (action === 'rebuild') {
      const started = performance.now();
      const report = await rebuildOrSay(index, runsDir);
      const seconds = (performance.now() - started) / 1000;
      const counts = { ...report, seconds: Number(seconds.toFixed(3)), events_per_second: Math.round(report.events / Math.max(seconds, 1e-3)) };
      if (values.json) ctx.print(JSON.stringify(counts));
      else
        ctx.print(
          `indexed ${report.runs} run(s), ${report.events} event(s), ${report.outputs} task output(s) in ${seconds.toFixed(2)}s` +
            ` (${counts.events_per_second} events/s)${report.skipped ? `; skipped ${report.skipped} torn or foreign line(s)` : ''}`,
        );
      return 0;
    }
    const count = (table: string) => {
      try {
        return index.db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
      } catch (err) {
        // A damaged page met by the count: what the index is, in one line, not an internal error.
        if (failureKind(err) === 'broken') throw new CliError(unusableIndexLine(runsDir, err), EXIT_NO_INDEX);
        throw err;
      }
    };
    const status = {
      file: join(runsDir, INDEX_FILE),
      bytes: statSync(join(runsDir, INDEX_FILE)).size,
      runs: count('runs'),
      tasks: count('tasks'),
      events: count('events'),
      outputs: count('output_fts'),
      skipped_lines: skippedLines(index.db),
    };
    if (values.json) ctx.print(JSON.stringify(status));
    else
      ctx.print(
        `${status.file}: ${status.runs} run(s), ${status.tasks} task(s), ${status.events} event(s), ${status.outputs} task output(s); ` +
          `${status.skipped_lines} telemetry line(s) skipped`,
      );
    return 0;
  } finally {
    index.close();
  }
}

/**
 * A rebuild that meets another writer's lock past the busy timeout, or a file it may not write: one
 * line, not an internal error. A file damaged where the rebuild's DROP reads (SQLite finds a bad page
 * only when it meets it) is deleted and made anew: "lacp index rebuild repairs it" must hold.
 */
async function rebuildOrSay(index: RunIndex, runsDir: string): Promise<SyncReport> {
  try {
    return index.rebuild();
  } catch (err) {
    const kind = failureKind(err);
    if (kind === 'broken') {
      index.close();
      removeIndexFiles(runsDir);
      const fresh = await openIndex(runsDir, { mode: 'create', catchUp: false, warn: () => {} });
      if (!fresh) throw err;
      try {
        return fresh.rebuild();
      } finally {
        fresh.close();
      }
    }
    if (kind !== 'busy' && kind !== 'denied') throw err;
    throw new CliError(unusableIndexLine(runsDir, err), kind === 'denied' ? EXIT_USAGE : EXIT_NO_INDEX);
  }
}
