import type { ScreenText } from '../../core/protocol.js';
import { parse } from '../args.js';
import { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';

export const SCREEN_HELP = `lacp screen TASK_ID [--json]
  Prints an interactive task's current screen as plain text (trailing blank lines left out).`;

export async function screenCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('screen', argv, {});
  if (positionals.length !== 1) throw new CliError('lacp screen: expected one TASK_ID');
  const ctx = new CliContext(values.workspace);
  try {
    const screen = await ctx.call<ScreenText>('screen', { task_id: positionals[0] });
    if (values.json) {
      ctx.print(JSON.stringify(screen));
      return 0;
    }
    const lines = [...screen.lines];
    while (lines.length && lines.at(-1) === '') lines.pop();
    for (const line of lines) ctx.print(line);
    return 0;
  } finally {
    ctx.close();
  }
}
