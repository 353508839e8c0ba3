import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './cli-error.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export const COMMON_OPTIONS = {
  workspace: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

/** parseArgs with the common flags, and its errors turned into one usage line. */
export function parse<O extends Options>(command: string, argv: string[], options: O, allowPositionals = true) {
  try {
    return parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...options }, allowPositionals, strict: true });
  } catch (err) {
    throw new CliError(`lacp ${command}: ${(err as Error).message.split('\n')[0]} (lacp ${command} --help)`);
  }
}

/** `KEY=VALUE` pairs of repeated `--set`. */
export function parseSets(values: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of values ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new CliError(`--set ${pair}: expected KEY=VALUE`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}
