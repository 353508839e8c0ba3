import type { TaskOutcome } from '../../core/protocol.js';
import { oneLine } from '../../core/terminal-text.js';
import { parse } from '../args.js';
import { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';

export const CANCEL_HELP = `lacp cancel TASK_ID... | --run RUN_ID [--reason TEXT]
  Cancels (SIGINT, grace, SIGTERM, grace, SIGKILL to the whole process tree); returns when every named task has ended.`;

export async function cancelCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('cancel', argv, { run: { type: 'string' }, reason: { type: 'string' } });
  if (positionals.length === 0 && !values.run) throw new CliError('lacp cancel: name a TASK_ID or --run RUN_ID');
  const ctx = new CliContext(values.workspace);
  try {
    const outcomes = await ctx.call<TaskOutcome[]>('cancel', {
      task_ids: [...new Set(positionals)], // `cancel T T` is one cancel
      run_id: values.run ?? null,
      by: 'cli',
      reason: values.reason ?? null,
    });
    for (const o of outcomes) ctx.print(values.json ? JSON.stringify(o) : `${o.task_id} ${o.status}: ${oneLine(o.summary, 100)}`);
    return 0;
  } finally {
    ctx.close();
  }
}
