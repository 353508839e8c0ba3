import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * better-sqlite3, loaded on demand. The index is an optimisation: when the native
 * module cannot load (no prebuilt binary for this Node, a broken install), lacp
 * answers from the JSONL files instead, so loading returns a reason, never throws.
 * The types below are the small part of its API the index uses.
 */
export interface RunResult {
  changes: number;
  lastInsertRowid: number | bigint;
}

export interface Statement {
  run(...params: unknown[]): RunResult;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  pluck(toggle?: boolean): Statement;
}

export interface Transaction<A extends unknown[], R> {
  (...args: A): R;
  immediate(...args: A): R;
}

export interface SqliteDb {
  exec(sql: string): SqliteDb;
  prepare(sql: string): Statement;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  transaction<A extends unknown[], R>(fn: (...args: A) => R): Transaction<A, R>;
  close(): void;
  readonly open: boolean;
}

export type SqliteOpen = (file: string, options?: { readonly?: boolean; fileMustExist?: boolean; timeout?: number }) => SqliteDb;

export type SqliteLoad = { ok: true; open: SqliteOpen } | { ok: false; reason: string };

const cache = new Map<string, Promise<SqliteLoad>>();

/** Imports the driver once per process; `specifier` exists so a test can name a module that is not there. */
export function loadSqlite(specifier = 'better-sqlite3'): Promise<SqliteLoad> {
  let pending = cache.get(specifier);
  if (!pending) {
    pending = importDriver(specifier);
    cache.set(specifier, pending);
  }
  return pending;
}

async function importDriver(specifier: string): Promise<SqliteLoad> {
  if (process.env.LACP_NO_INDEX) return { ok: false, reason: 'disabled by LACP_NO_INDEX' };
  try {
    // require, not import(): better-sqlite3 is CommonJS, and importing it from ESM has Node scan its
    // source for named exports first: 10-30 ms of `lacp ls` on a 2-core machine, about what its query costs.
    const load = createRequire(import.meta.url);
    const Database = load(specifier) as new (file: string, options?: object) => SqliteDb;
    const nativeBinding = builtBinding(load, specifier);
    const withBinding = (options: object = {}) => (nativeBinding ? { ...options, nativeBinding } : options);
    // The import can succeed while the native binding fails; opening a memory database proves it loads.
    new Database(':memory:', withBinding()).close();
    return { ok: true, open: (file, options) => new Database(file, withBinding(options)) };
  } catch (err) {
    return { ok: false, reason: firstLine((err as Error)?.message ?? String(err)) };
  }
}

/**
 * The addon where npm builds or unpacks it (build/Release), loaded directly. Left to itself,
 * better-sqlite3 finds it through the `bindings` package, which tries a dozen paths with a
 * `stat` each: 8-13 ms of every `lacp ls` on a 2-core machine. Anywhere else: undefined, and
 * better-sqlite3 looks for it its own way.
 */
function builtBinding(load: NodeJS.Require, specifier: string): object | undefined {
  try {
    const file = join(dirname(load.resolve(specifier)), '..', 'build', 'Release', 'better_sqlite3.node');
    return existsSync(file) ? (load(file) as object) : undefined;
  } catch {
    return undefined;
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim();
}
