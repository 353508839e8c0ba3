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
  const all = { ...COMMON_OPTIONS, ...options };
  try {
    return parseArgs({ args: joinOptionValues(argv, all), options: all, allowPositionals, strict: true });
  } catch (err) {
    throw new CliError(`lacp ${command}: ${(err as Error).message.split('\n')[0]} (lacp ${command} --help)`);
  }
}

/**
 * `--prompt -x`: parseArgs refuses a value that looks like an option ("ambiguous"), but an
 * option that takes a value takes the next word whatever it looks like, as getopt does
 * (a prompt may well start with "-"). Joined as `--prompt=-x`, parseArgs takes it too.
 */
function joinOptionValues(argv: string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const name = word.startsWith('--') && !word.includes('=') ? word.slice(2) : null;
    if (name !== null && options[name]?.type === 'string' && i + 1 < argv.length) out.push(`${word}=${argv[++i]}`);
    else out.push(word);
  }
  return out;
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
