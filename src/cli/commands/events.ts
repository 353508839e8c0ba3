import { compareRunIds } from '../../core/ids.js';
import type { TelemetryEvent } from '../../core/events.js';
import { oneLine } from '../../core/terminal-text.js';
import { RunStore } from '../../telemetry/run-store.js';
import { readTelemetry, unreadableLine, type ReadResult } from '../../telemetry/telemetry-reader.js';
import { parse } from '../args.js';
import { CliContext, NO_RUNS_LINE } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import { pollUntil } from '../follow.js';

export const EVENTS_HELP = `lacp events [--run RUN_ID] [--follow] [--json]
  Telemetry events, oldest first. Default: the newest run; --follow also picks up runs started meanwhile.
  --json: one document {"events": [...]}; with --follow, one event per line.`;

export async function eventsCommand(argv: string[]): Promise<number> {
  const { values } = parse('events', argv, { run: { type: 'string' }, follow: { type: 'boolean', short: 'f' } }, false);
  const ctx = new CliContext(values.workspace);
  const runs = new RunStore(ctx.paths.runsDir);
  if (values.run && !runs.exists(values.run)) throw new CliError(`no run ${values.run} in ${runs.runsDir}`);
  const show = (e: TelemetryEvent) => ctx.print(values.json ? JSON.stringify(e) : formatEvent(e));
  const watched = new Map<string, number>(); // run id -> offset read so far
  const initial = values.run ? [values.run] : runs.list().slice(-1);
  for (const id of initial) watched.set(id, 0);
  const read = (id: string, offset = 0) => {
    const result = readTelemetry(runs.telemetryFile(id), offset);
    warnSkipped(id, result);
    return result;
  };
  const tick = () => {
    if (!values.run) for (const id of runsAfter(runs.list(), [...watched.keys()].at(-1))) watched.set(id, 0);
    for (const [id, offset] of watched) {
      const result = read(id, offset);
      watched.set(id, result.offset);
      for (const e of result.events) show(e);
    }
    return !values.follow;
  };
  if (!values.follow) {
    if (values.json) {
      // The contract: one JSON document without --follow, JSON lines with it.
      const events: TelemetryEvent[] = [];
      for (const id of initial) events.push(...read(id).events);
      ctx.print(JSON.stringify({ events }));
      return 0;
    }
    if (initial.length === 0) ctx.print(NO_RUNS_LINE); // as ls says it: silence would look like a hang or a fault
    else tick();
    return 0;
  }
  await pollUntil(tick);
  return 0;
}

const unreadableSaid = new Set<string>();

/**
 * Lines that are not lacp events (a foreign tool's, a damaged copy) are left out, and said on stderr
 * so the listing is not silently short. A torn last line is a writer mid-line: read once it is whole.
 */
function warnSkipped(runId: string, read: ReadResult): void {
  if (read.unreadable && !unreadableSaid.has(runId)) process.stderr.write(`lacp: warning: ${unreadableLine(runId, read.unreadable)}\n`);
  if (read.unreadable) unreadableSaid.add(runId); // --follow reads it again every tick: said once
  const foreign = read.skipped - (read.torn ? 1 : 0);
  if (foreign > 0) process.stderr.write(`lacp: warning: ${runId}: skipped ${foreign} telemetry line(s) that are not lacp events (foreign or damaged)\n`);
}

/** The runs of `list` (oldest first) newer than `newest`, or all of them: read from the end, since new runs are there. */
function runsAfter(list: string[], newest: string | undefined): string[] {
  let first = list.length;
  while (first > 0 && (newest === undefined || compareRunIds(list[first - 1]!, newest) > 0)) first--;
  return list.slice(first);
}

export function formatEvent(e: TelemetryEvent): string {
  const time = e.ts.slice(11, 23);
  const task = 'task_id' in e ? e.task_id : e.run_id;
  return `${time}  ${String(e.seq).padStart(4)}  ${e.event.padEnd(19)} ${e.status.padEnd(19)} ${task.padEnd(16)} ${oneLine(e.summary, 100)}`;
}
