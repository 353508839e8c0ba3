import { readFileSync } from 'node:fs';
import { loadToolsFile } from '../config/load-tools.js';
import { placeholdersOf } from '../core/template.js';
import { BUILTIN_PLACEHOLDERS } from '../core/tools-schema.js';
import { sanitizeForTerminal } from '../core/terminal-text.js';
import type { ToolChoice } from './app-state.js';

/** The new-task picker's list, from tools.yaml (built-ins included). Throws ConfigError on a bad file. */
export function toolChoices(toolsFile: string): ToolChoice[] {
  const { tools } = loadToolsFile(toolsFile);
  const builtins = new Set<string>(BUILTIN_PLACEHOLDERS);
  return Object.entries(tools).map(([name, spec]) => {
    const templates = [...spec.cmd, ...Object.values(spec.env ?? {}), spec.cwd ?? '', spec.stdin ?? ''];
    const placeholders = [...new Set(templates.flatMap(placeholdersOf))].filter((p) => !builtins.has(p));
    return { name, mode: spec.mode, description: spec.description ?? spec.cmd.join(' '), placeholders };
  });
}

/** Bytes of a log the batch view reads at most: its tail is what a user looks at. */
const LOG_TAIL_BYTES = 256 * 1024;

/** The tail of a batch task's stdout and stderr, as plain lines (task bytes made safe first). */
export function logTail(stdoutFile: string, stderrFile: string, lines: number): string[] {
  const read = (file: string) => {
    try {
      const buf = readFileSync(file);
      return sanitizeForTerminal(buf.subarray(Math.max(0, buf.length - LOG_TAIL_BYTES)).toString('utf8'));
    } catch {
      return '';
    }
  };
  const out = read(stdoutFile).split('\n');
  const err = read(stderrFile).trim();
  if (err) out.push('── stderr ──', ...err.split('\n'));
  while (out.length && out.at(-1) === '') out.pop();
  return out.slice(-lines);
}
