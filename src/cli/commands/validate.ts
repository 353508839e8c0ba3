import { resolve } from 'node:path';
import { ConfigError } from '../../config/config-error.js';
import { loadToolsFile } from '../../config/load-tools.js';
import { parse } from '../args.js';
import { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';

export const VALIDATE_HELP = `lacp validate [FILE]
  Checks a tools file (default: the workspace's tools.yaml). Errors: FILE:LINE:COL message, exit 2.`;

export async function validateCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('validate', argv, {});
  if (positionals.length > 1) throw new CliError('lacp validate: expected at most one FILE');
  const ctx = new CliContext(values.workspace);
  const file = positionals[0] ? resolve(positionals[0]) : ctx.paths.toolsFile;
  try {
    const loaded = loadToolsFile(file, { mustExist: true });
    const names = Object.keys(loaded.config.tools);
    ctx.print(values.json ? JSON.stringify({ file: positionals[0] ?? 'tools.yaml', ok: true, tools: names }) : `${positionals[0] ?? 'tools.yaml'}: ok (${names.length} tool${names.length === 1 ? '' : 's'}: ${names.join(', ')})`);
    return 0;
  } catch (err) {
    if (err instanceof ConfigError) {
      if (values.json) ctx.print(JSON.stringify({ file: err.file, ok: false, line: err.line, col: err.col, message: err.detail }));
      throw new CliError(err.message, 2, true);
    }
    throw err;
  }
}
