import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { loadToolsFile } from '../config/load-tools.js';
import { placeholdersOf } from '../core/template.js';
import { BUILTIN_PLACEHOLDERS } from '../core/tools-schema.js';
import { sanitizeForTerminal } from '../core/terminal-text.js';
import { liftOpenCodeLine } from '../opencode/opencode-event.js';
import type { ToolChoice } from './app-state.js';

/** The new-task picker's list, from tools.yaml (built-ins included). Throws ConfigError on a bad file. */
export function toolChoices(toolsFile: string): ToolChoice[] {
  const { tools } = loadToolsFile(toolsFile);
  const builtins = new Set<string>(BUILTIN_PLACEHOLDERS);
  return Object.entries(tools).map(([name, spec]) => {
    const templates = [...spec.cmd, ...Object.values(spec.env ?? {}), spec.cwd ?? '', spec.stdin ?? ''];
    const used = new Set(templates.flatMap(placeholdersOf));
    const placeholders = [...used].filter((p) => !builtins.has(p));
    return { name, mode: spec.mode, description: spec.description ?? spec.cmd.join(' '), placeholders, usesPrompt: used.has('prompt') };
  });
}

/** Bytes of a log the batch view reads at most: its tail is what a user looks at. */
const LOG_TAIL_BYTES = 256 * 1024;

/** The last LOG_TAIL_BYTES of a file, from a line's start; empty when it cannot be read. */
function readTail(file: string): string {
  let fd: number | null = null;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    const start = Math.max(0, size - LOG_TAIL_BYTES);
    const buf = Buffer.alloc(size - start);
    const got = readSync(fd, buf, 0, buf.length, start);
    const tail = buf.subarray(0, got).toString('utf8');
    // Cut into a line (and maybe a character): start at the next whole line.
    return start > 0 ? tail.slice(tail.indexOf('\n') + 1) : tail;
  } catch {
    return '';
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/**
 * The tail of a batch task's stdout and stderr, as plain lines (task bytes made safe
 * first). Only the tail is read, however large the log: the view refreshes it every second.
 * `openCodeJson`: stdout is `opencode run --format json`, read as what the agent said
 * (its text whole) and did (a `·` line per other event), as the event log words them.
 */
export function logTail(stdoutFile: string, stderrFile: string, openCodeJson = false): string[] {
  const stdout = readTail(stdoutFile);
  const out = sanitizeForTerminal(openCodeJson ? readableOpenCode(stdout) : stdout).split('\n');
  const err = sanitizeForTerminal(readTail(stderrFile)).trim();
  if (err) out.push('── stderr ──', ...err.split('\n'));
  while (out.length && out.at(-1) === '') out.pop();
  return out;
}

/** An OpenCode JSON stream as a person reads it; lines that are not its events stay as written. */
function readableOpenCode(stream: string): string {
  return stream
    .split('\n')
    .map((line) => {
      const event = line.trim() ? liftOpenCodeLine(line) : null;
      if (!event) return line;
      return event.type === 'text' ? (event.text ?? '') : `· ${event.summary}`;
    })
    .join('\n');
}
