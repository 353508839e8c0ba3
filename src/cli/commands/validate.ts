import { resolve } from 'node:path';
import { ConfigError } from '../../config/config-error.js';
import { loadToolsFile } from '../../config/load-tools.js';
import { BUILTIN_TOOLS } from '../../core/tools-schema.js';
import { parse } from '../args.js';
import { CliContext } from '../cli-context.js';
import { showControls } from '../../core/terminal-text.js';
import { CliError, EXIT_USAGE } from '../cli-error.js';

export const VALIDATE_HELP = `lacp validate [FILE]
  Checks a tools file (default: the workspace's tools.yaml; a workspace without one has the
  built-in tools only, which is fine). Every error: FILE:LINE:COL message, one a line, exit 2.`;

export async function validateCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('validate', argv, {});
  if (positionals.length > 1) throw new CliError('lacp validate: expected at most one FILE');
  const ctx = new CliContext(values.workspace);
  const named = positionals[0];
  const shown = named ?? 'tools.yaml';
  const builtins = Object.keys(BUILTIN_TOOLS);
  try {
    // A FILE the user named must exist; the workspace's own tools.yaml is optional (the contract).
    const loaded = loadToolsFile(named ? resolve(named) : ctx.paths.toolsFile, { mustExist: named !== undefined });
    if (loaded.file === null) {
      ctx.print(
        values.json
          ? JSON.stringify({ file: shown, ok: true, found: false, tools: [], builtin_tools: builtins })
          : `${shown}: none in this workspace (built-in tools only: ${builtins.join(', ')})`,
      );
      return 0;
    }
    const names = Object.keys(loaded.config.tools);
    ctx.print(
      values.json
        ? JSON.stringify({ file: shown, ok: true, found: true, tools: names, builtin_tools: builtins })
        : `${shown}: ok (${names.length} tool${names.length === 1 ? '' : 's'}: ${names.join(', ')})`,
    );
    return 0;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const all = err.all;
    if (values.json) {
      const errors = all.map((e) => ({ line: e.line, col: e.col, message: e.detail }));
      ctx.print(JSON.stringify({ file: err.file, ok: false, ...errors[0], errors }));
    }
    // Every problem on its own located line, as compilers print them; the last goes through CliError like any failure.
    for (const e of all.slice(0, -1)) process.stderr.write(`${showControls(e.message)}\n`);
    throw new CliError(all[all.length - 1]!.message, EXIT_USAGE, true);
  }
}
