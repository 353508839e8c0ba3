import { StringDecoder } from 'node:string_decoder';
import { join } from 'node:path';
import { sanitizeForTerminal } from '../../core/terminal-text.js';
import { RunStore } from '../../telemetry/run-store.js';
import { readTelemetry } from '../../telemetry/telemetry-reader.js';
import { parse } from '../args.js';
import { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';
import { pollUntil, readFrom } from '../follow.js';
import { findTaskRun } from '../task-lookup.js';

/** Not bad usage: the command is right, the file is not readable. */
const EXIT_UNREADABLE = 1;

export const LOGS_HELP = `lacp logs TASK_ID [--stderr] [--follow]
  The task's captured output. On a terminal, escape sequences are removed; piped, the bytes are exact.`;

export async function logsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('logs', argv, { stderr: { type: 'boolean' }, follow: { type: 'boolean', short: 'f' } });
  if (positionals.length !== 1) throw new CliError('lacp logs: expected one TASK_ID');
  // Every command takes --json, but this output is the task's bytes: a script asking for JSON must not get them silently.
  if (values.json) throw new CliError("lacp logs: --json: the output is the task's own bytes, not JSON (lacp events --json has its events)");
  const taskId = positionals[0]!;
  const ctx = new CliContext(values.workspace);
  const runs = new RunStore(ctx.paths.runsDir);
  const runId = findTaskRun(runs, taskId);
  const file = join(runs.taskDir(runId, taskId), values.stderr ? 'stderr.log' : 'stdout.log');
  const write = outputWriter();
  let offset = 0;
  const drain = () => {
    let next: ReturnType<typeof readFrom>;
    try {
      next = readFrom(file, offset);
    } catch (err) {
      // A log that exists but cannot be read (a directory in its place, no permission): one line, exit 1.
      const e = err as NodeJS.ErrnoException;
      const why = e.code && !e.message.startsWith(e.code) ? `${e.code}: ${e.message}` : e.message; // node's start with their code
      throw new CliError(`cannot read ${file}: ${why}`, EXIT_UNREADABLE);
    }
    offset = next.offset;
    if (next.bytes.length) write(next.bytes);
  };
  if (!values.follow) {
    drain();
    return 0;
  }
  const telemetry = runs.telemetryFile(runId);
  let eventsOffset = 0;
  let ended = false;
  await pollUntil(() => {
    // Check the ending first, then drain: bytes written before task_completed are all shown.
    const read = readTelemetry(telemetry, eventsOffset);
    eventsOffset = read.offset;
    ended ||= read.events.some((e) => e.event === 'task_completed' && e.task_id === taskId);
    drain();
    return ended;
  });
  return 0;
}

/** Task output reaches a terminal only with its escape sequences removed. */
function outputWriter(): (bytes: Buffer) => void {
  if (!process.stdout.isTTY) return (bytes) => process.stdout.write(bytes);
  const decoder = new StringDecoder('utf8');
  return (bytes) => process.stdout.write(sanitizeForTerminal(decoder.write(bytes)));
}
