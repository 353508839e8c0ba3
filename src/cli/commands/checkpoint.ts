import { parse } from '../args.js';
import { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';

export const APPROVE_HELP = `lacp approve TASK_ID
  Resolves the task's checkpoint: a held task starts, a held result is accepted.`;
export const REJECT_HELP = `lacp reject TASK_ID [--reason TEXT]
  Resolves the task's checkpoint by rejecting it: the task ends failed, error_class rejected.`;

export async function approveCommand(argv: string[]): Promise<number> {
  return resolve('approve', argv);
}

export async function rejectCommand(argv: string[]): Promise<number> {
  return resolve('reject', argv);
}

async function resolve(decision: 'approve' | 'reject', argv: string[]): Promise<number> {
  const { values, positionals } = parse(decision, argv, decision === 'reject' ? { reason: { type: 'string' } } : {});
  if (positionals.length !== 1) throw new CliError(`lacp ${decision}: expected one TASK_ID`);
  const ctx = new CliContext(values.workspace);
  try {
    const reason = (values as { reason?: string }).reason ?? null;
    await ctx.call(decision, decision === 'reject' ? { task_id: positionals[0], reason } : { task_id: positionals[0] });
    ctx.print(values.json ? JSON.stringify({ task_id: positionals[0], decision }) : `${positionals[0]} ${decision === 'approve' ? 'approved' : 'rejected'}`);
    return 0;
  } finally {
    ctx.close();
  }
}
