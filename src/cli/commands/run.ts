import type { TaskOutcome } from '../../core/protocol.js';
import { waitExitCode, type ErrorClass, type TaskStatus } from '../../core/status-values.js';
import { parse, parseSets } from '../args.js';
import { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';

/** The shell's code for a command ended by SIGINT. */
const EXIT_INTERRUPTED = 130;

export const RUN_HELP = `lacp run TOOL [--prompt TEXT] [--set KEY=VALUE]... [--run RUN_ID | --new-run] [--phase P] [--role R] [--title T] [--timeout SEC] [--wait]
  Queues one task and prints "<run_id> <task_id>". --wait blocks until it ends and exits with its
  exit code (124 timed out, 130 cancelled, 1 spawn error).`;

export async function runCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('run', argv, {
    prompt: { type: 'string' },
    set: { type: 'string', multiple: true },
    run: { type: 'string' },
    'new-run': { type: 'boolean' },
    phase: { type: 'string' },
    role: { type: 'string' },
    title: { type: 'string' },
    timeout: { type: 'string' },
    wait: { type: 'boolean' },
  });
  if (positionals.length !== 1) throw new CliError(`lacp run: expected one TOOL, got ${positionals.length} (usage: ${RUN_HELP.split('\n')[0]})`);
  if (values.run && values['new-run']) throw new CliError('lacp run: --run and --new-run exclude each other');
  // A phase, role or title is a label in ls and the events: an empty one would be a blank
  // cell that reads as a fault (a script's unset variable, most likely). Unset is leaving the option out.
  for (const flag of ['phase', 'role', 'title'] as const) {
    const value = values[flag];
    if (value !== undefined && value.trim() === '') throw new CliError(`lacp run: --${flag} is empty (give it a value, or leave the option out for none)`);
  }
  let timeout: number | null = null;
  if (values.timeout !== undefined) {
    timeout = Number(values.timeout);
    if (!Number.isFinite(timeout) || timeout <= 0) throw new CliError(`--timeout ${values.timeout}: expected a positive number of seconds`);
  }
  const ctx = new CliContext(values.workspace);
  try {
    // Bad config fails with its line and column either way: a running daemon checks it
    // itself; otherwise it is checked here, so no daemon is started for a broken file.
    if (!(await ctx.daemonIfRunning())) await ctx.tools();
    const { run_id, task_id } = await ctx.call<{ run_id: string; task_id: string }>('submit', {
      tool: positionals[0],
      prompt: values.prompt ?? null,
      set: parseSets(values.set),
      run: values.run ?? null,
      new_run: values['new-run'] ?? false,
      phase: values.phase ?? null,
      role: values.role ?? null,
      title: values.title ?? null,
      timeout_sec: timeout,
      started_by: process.env.LACP_TASK_ID ? `task ${process.env.LACP_TASK_ID}` : null,
    });
    if (!values.wait) {
      ctx.print(values.json ? JSON.stringify({ run_id, task_id }) : `${run_id} ${task_id}`);
      return 0;
    }
    // Ctrl-C stops the waiting, not the task: the daemon owns it (as tmux's server owns a pane). Say so.
    // Caught before the ids are printed: a script that reads them may interrupt at once.
    const stopWaiting = () => {
      process.stderr.write(`lacp: stopped waiting; ${task_id} still runs (lacp cancel ${task_id} stops it)\n`);
      process.exit(EXIT_INTERRUPTED);
    };
    process.once('SIGINT', stopWaiting);
    if (!values.json) ctx.print(`${run_id} ${task_id}`);
    const outcome = await ctx.call<TaskOutcome>('wait', { task_id }).finally(() => process.off('SIGINT', stopWaiting));
    if (values.json) ctx.print(JSON.stringify({ run_id, ...outcome }));
    return waitExitCode({
      status: outcome.status as TaskStatus,
      error_class: outcome.error_class as ErrorClass | null,
      exit_code: outcome.exit_code,
      signal: outcome.signal,
    });
  } finally {
    ctx.close();
  }
}
