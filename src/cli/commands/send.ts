import { decodeKeyEscapes } from '../../core/key-escapes.js';
import { parse } from '../args.js';
import { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';

export const SEND_HELP = `lacp send TASK_ID TEXT...
  Types into an interactive task, like tmux send-keys. Escapes: \\r (Enter), \\n, \\t, \\e, \\xHH (\\x03 is Ctrl-C), \\uHHHH, \\\\.
  Several TEXT arguments are sent one after another.`;

export async function sendCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('send', argv, {});
  const [taskId, ...texts] = positionals;
  if (!taskId || texts.length === 0) throw new CliError('lacp send: expected TASK_ID and TEXT');
  let data = '';
  for (const text of texts) {
    const decoded = decodeKeyEscapes(text);
    if (!decoded.ok) throw new CliError(`lacp send: bad escape '${decoded.bad}' (understood: \\r \\n \\t \\e \\xHH \\uHHHH \\\\)`);
    data += decoded.value;
  }
  const ctx = new CliContext(values.workspace);
  try {
    await ctx.call('input', { task_id: taskId, data });
    if (values.json) ctx.print(JSON.stringify({ task_id: taskId, sent: data.length }));
    return 0;
  } finally {
    ctx.close();
  }
}
