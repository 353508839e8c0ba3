import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { BUILTIN_PLACEHOLDERS, BUILTIN_TOOLS, ToolsFile, type ToolSpec } from '../core/tools-schema.js';
import { placeholdersOf } from '../core/template.js';
import { ConfigError } from './config-error.js';
import { locate, locateValue } from './yaml-locate.js';

export interface LoadedTools {
  /** Where it came from; null when the workspace has no tools.yaml. */
  file: string | null;
  config: ToolsFile;
  /** Declared tools merged over the built-ins. */
  tools: Record<string, ToolSpec>;
}

const EMPTY: ToolsFile = ToolsFile.parse({ version: 1 });

export function withBuiltins(config: ToolsFile, file: string | null): LoadedTools {
  return { file, config, tools: { ...BUILTIN_TOOLS, ...config.tools } };
}

/**
 * The last load of each file, by its identity on disk. The daemon reloads tools.yaml
 * at every submit so an edit applies to the next task; parsing it again when it has
 * not changed was a good part of the daemon's time per task in the bench.
 */
const lastLoad = new Map<string, { stamp: string; result: LoadedTools | ConfigError }>();

/** Loads a tools file; a missing file gives the built-ins alone. Throws ConfigError with a position. */
export function loadToolsFile(path: string, { mustExist = false } = {}): LoadedTools {
  let text: string;
  let stamp: string;
  try {
    const st = statSync(path);
    stamp = `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
    const hit = lastLoad.get(path);
    if (hit?.stamp === stamp) {
      if (hit.result instanceof ConfigError) throw hit.result;
      return hit.result;
    }
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !mustExist) return withBuiltins(EMPTY, null);
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(displayPath(path), 1, 1, code === 'ENOENT' ? 'no such file' : `cannot read: ${(err as Error).message}`);
  }
  try {
    const result = withBuiltins(parseToolsText(text, path), path);
    lastLoad.set(path, { stamp, result });
    return result;
  } catch (err) {
    if (err instanceof ConfigError) lastLoad.set(path, { stamp, result: err });
    throw err;
  }
}

/** Parses and checks a tools file; throws one ConfigError carrying every problem found, in file order. */
export function parseToolsText(text: string, file: string): ToolsFile {
  const shown = displayPath(file);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw ConfigError.of(
      doc.errors.map((yamlError) => {
        const pos = lines.linePos(yamlError.pos[0]);
        return new ConfigError(shown, pos.line, pos.col, `YAML: ${firstLine(yamlError.message)}`);
      }),
    );
  }
  const raw: unknown = doc.toJS();
  const parsed = ToolsFile.safeParse(raw ?? {});
  if (!parsed.success) {
    throw ConfigError.of(
      parsed.error.issues.flatMap((issue) =>
        describeIssue(issue, raw ?? {}).map(({ path, message, at }) => {
          const pos = at === 'key' ? locate(doc, lines, path) : locateValue(doc, lines, path);
          return new ConfigError(shown, pos.line, pos.col, message);
        }),
      ),
    );
  }
  const placeholderProblems = unknownPlaceholders(parsed.data).map(({ path, message }) => {
    const pos = locateValue(doc, lines, path);
    return new ConfigError(shown, pos.line, pos.col, message);
  });
  if (placeholderProblems.length > 0) throw ConfigError.of(placeholderProblems);
  return parsed.data;
}

/** What a problem is about: a key (unknown, or a name the schema refuses) or a value. */
interface Problem {
  path: PropertyKey[];
  message: string;
  at: 'key' | 'value';
}

/** One zod issue as the problems a user reads; an issue naming several unknown keys is one problem per key. */
function describeIssue(issue: z.core.$ZodIssue, raw: unknown): Problem[] {
  const path = [...issue.path];
  const where = path.join('.') || '(top)';
  // zod does not keep the input on its issues unless asked to: look the value up by path.
  const input = valueAt(raw, path);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: [...path, key], message: `${[...path, key].join('.')}: unknown key '${key}'`, at: 'key' }));
  }
  if (issue.code === 'invalid_key') {
    // A record's key refused by the schema (a tool or var name): the schema's own rule says what a name may be.
    const parent = path.slice(0, -1).join('.') || '(top)';
    const name = String(path[path.length - 1]);
    const rule = issue.issues.map((inner) => inner.message).join('; ');
    return [{ path, message: `${parent}: invalid name '${name}' (${rule})`, at: 'key' }];
  }
  if (issue.code === 'invalid_type') {
    const message = input === undefined ? `${where}: required (expected ${issue.expected})` : `${where}: expected ${issue.expected}, got ${typeName(input)}`;
    return [{ path, message, at: 'value' }];
  }
  if (issue.code === 'invalid_value') {
    const values = issue.values.map((v) => JSON.stringify(v)).join(', ');
    return [{ path, message: input === undefined ? `${where}: required (one of ${values})` : `${where}: expected one of ${values}`, at: 'value' }];
  }
  return [{ path, message: `${where}: ${issue.message}`, at: 'value' }];
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[segment];
  }
  return node;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  // zod refuses .inf, .nan and 1e400 (read as Infinity) as not numbers: name the value, "got number" would puzzle.
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return typeof value;
}

/** Every `{placeholder}` must be a declared var or a built-in one: a typo is caught before anything runs. */
function unknownPlaceholders(config: ToolsFile): { path: PropertyKey[]; message: string }[] {
  const known = new Set<string>([...BUILTIN_PLACEHOLDERS, ...Object.keys(config.vars)]);
  const problems: { path: PropertyKey[]; message: string }[] = [];
  for (const [name, tool] of Object.entries(config.tools)) {
    const templates: [PropertyKey[], string][] = [
      ...tool.cmd.map((t, i): [PropertyKey[], string] => [['tools', name, 'cmd', i], t]),
      ...Object.entries(tool.env ?? {}).map(([k, t]): [PropertyKey[], string] => [['tools', name, 'env', k], t]),
    ];
    if (tool.cwd !== undefined) templates.push([['tools', name, 'cwd'], tool.cwd]);
    if (tool.stdin !== undefined) templates.push([['tools', name, 'stdin'], tool.stdin]);
    for (const [path, template] of templates) {
      for (const unknown of new Set(placeholdersOf(template).filter((p) => !known.has(p))))
        problems.push({
          path,
          message: `${path.join('.')}: unknown placeholder '{${unknown}}' (declare it under vars:, or use one of ${BUILTIN_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')})`,
        });
    }
  }
  return problems;
}

/** Paths in messages are relative to where the user stands, as compilers print them. */
function displayPath(file: string): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}
