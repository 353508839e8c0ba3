import { RunStore } from '../../telemetry/run-store.js';
import { oneLine } from '../../core/terminal-text.js';
import { searchHistory } from '../../index-db/search-history.js';
import { DEFAULT_SEARCH_LIMIT, HIT_END, HIT_START, queryWords, wordTokens } from '../../index-db/search-hit.js';
import { parse } from '../args.js';
import { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';

export const SEARCH_HELP = `lacp search TEXT [--run RUN_ID] [--limit N] [--json]
  Tasks and events whose summaries, tool events or output contain every word of TEXT, newest first
  (default limit ${DEFAULT_SEARCH_LIMIT}): run, task, time, where it matched, and a snippet.`;

/** Snippet width on a terminal line, after the run, task, time and source columns. */
const SNIPPET_WIDTH = 120;

export async function searchCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('search', argv, { run: { type: 'string' }, limit: { type: 'string' } });
  const text = positionals.join(' ').trim();
  if (!text) throw new CliError('lacp search: expected TEXT to search for (lacp search --help)');
  // Punctuation and FTS syntax alone (`"`, `*`, `NEAR(`'s parenthesis) cut to no word: the index would find
  // nothing and the JSONL scan would match the characters, so neither answer would mean anything.
  if (queryWords(text).flatMap(wordTokens).length === 0)
    throw new CliError(`lacp search: ${JSON.stringify(oneLine(text, 80))} has no words to search for (whole words of letters and digits match; punctuation is ignored)`);
  const limit = values.limit === undefined ? DEFAULT_SEARCH_LIMIT : parseLimit(values.limit);
  const ctx = new CliContext(values.workspace);
  const runsDir = ctx.paths.runsDir;
  if (values.run && !new RunStore(runsDir).exists(values.run)) throw new CliError(`no run ${values.run} in ${runsDir}`);
  const opts = { run: values.run, limit };
  const warn = (line: string) => process.stderr.write(`lacp: warning: ${line}\n`);
  const hits = await searchHistory(runsDir, text, opts, warn);
  if (values.json) {
    ctx.print(JSON.stringify({ hits: hits.map((h) => ({ ...h, snippet: plain(h.snippet) })) }));
    return 0;
  }
  if (hits.length === 0) {
    ctx.print(`nothing matches ${JSON.stringify(oneLine(text, 80))}`);
    return 0;
  }
  const emphasis = Boolean((ctx.out as NodeJS.WriteStream).isTTY);
  ctx.printAll(
    hits.map((h) => {
      const time = `${h.ts.slice(0, 10)} ${h.ts.slice(11, 19)}`;
      return `${h.run_id}  ${(h.task_id ?? '-').padEnd(16)}  ${time}  ${h.source.padEnd(19)} ${render(h.snippet, emphasis)}`;
    }),
  );
  return 0;
}

/**
 * Digits only (`1e2`, `0x10`, ` 5` are typos in a script, not numbers to guess at). A limit past
 * what SQLite binds as an integer means "all of them": it is held to the largest safe one.
 */
function parseLimit(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) <= 0) throw new CliError(`lacp search: --limit ${value}: expected a positive whole number`);
  return Math.min(Number(value), Number.MAX_SAFE_INTEGER);
}

function plain(snippet: string): string {
  return snippet.replaceAll(HIT_START, '').replaceAll(HIT_END, '');
}

/** Task text made safe first (oneLine sanitizes), then the match markers become bold, or nothing off a terminal. */
function render(snippet: string, emphasis: boolean): string {
  let line = oneLine(snippet, SNIPPET_WIDTH);
  if (!emphasis) return plain(line);
  if (line.lastIndexOf(HIT_START) > line.lastIndexOf(HIT_END)) line += HIT_END;
  return line.replaceAll(HIT_START, '\x1b[1m').replaceAll(HIT_END, '\x1b[22m');
}
