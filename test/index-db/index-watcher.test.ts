import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { TelemetryEvent } from '../../src/core/events.js';
import { IndexWatcher } from '../../src/index-db/index-watcher.js';
import { RunIndex } from '../../src/index-db/run-index.js';
import { loadSqlite, type SqliteOpen } from '../../src/index-db/sqlite-driver.js';
import { listRuns } from '../../src/index-db/task-query.js';
import { readTelemetry } from '../../src/telemetry/telemetry-reader.js';
import { RunFixture } from './telemetry-fixture.js';

const DEADLINE_MS = 10_000;
const POLL_MS = 20;

let root: string;
let runsDir: string;
let open: SqliteOpen;
let watcher: IndexWatcher | null = null;
const warnings: string[] = [];
const log = { info: () => {}, warn: (m: string) => warnings.push(m) };

beforeEach(async () => {
  const sqlite = await loadSqlite();
  if (!sqlite.ok) throw new Error(sqlite.reason);
  open = sqlite.open;
  root = mkdtempSync(join(tmpdir(), 'lacp-watch-'));
  runsDir = join(root, 'runs');
  warnings.length = 0;
});

afterEach(async () => {
  await watcher?.dispose();
  watcher = null;
  rmSync(root, { recursive: true, force: true });
});

/** Polls what a separate reader (as the CLI would be) sees in the index until `ok` holds or the deadline passes. */
async function indexed<T>(read: (index: RunIndex) => T, ok: (value: T) => boolean): Promise<T> {
  const reader = RunIndex.open(runsDir, open);
  try {
    const end = Date.now() + DEADLINE_MS;
    for (;;) {
      const value = read(reader);
      if (ok(value) || Date.now() > end) return value;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  } finally {
    reader.close();
  }
}

const runIds = (index: RunIndex) => listRuns(index.db, 'all').map((r) => r.run_id);

it('indexes runs already on disk, then a run copied into runs/', async () => {
  new RunFixture(runsDir, 'RUN-20261120-001').start('before the daemon').task({ id: 't-1' });
  watcher = await IndexWatcher.start(runsDir, log, () => () => {});
  expect(watcher).not.toBeNull();
  await watcher!.ready();
  expect(await indexed(runIds, (ids) => ids.length === 1)).toEqual(['RUN-20261120-001']);

  const elsewhere = join(root, 'elsewhere');
  new RunFixture(elsewhere, 'RUN-20261121-004').start('copied in').task({ id: 't-copied', status: 'failed' });
  cpSync(join(elsewhere, 'RUN-20261121-004'), join(runsDir, 'RUN-20261121-004'), { recursive: true });
  const tasks = await indexed(
    (index) => listRuns(index.db, 'all').flatMap((r) => r.tasks.map((t) => `${t.task_id}:${t.status}`)),
    (ts) => ts.length === 2,
  );
  expect(tasks).toEqual(['t-1:succeeded', 't-copied:failed']);
  expect(warnings).toEqual([]);
});

it('indexes events as they are appended (file watch and daemon notice), and unsubscribes on dispose', async () => {
  const listeners = new Set<(e: TelemetryEvent) => void>();
  watcher = await IndexWatcher.start(runsDir, log, (l) => {
    listeners.add(l);
    return () => listeners.delete(l);
  });
  await watcher!.ready();
  const run = new RunFixture(runsDir, 'RUN-20261120-001').start().task({ id: 't-live', status: 'running' });
  expect(await indexed((i) => listRuns(i.db, 'all')[0]?.tasks[0]?.status, (s) => s === 'running')).toBe('running');
  run.write({
    event: 'task_completed', run_id: run.runId, task_id: 't-live', tool: 'sh', mode: 'batch', phase: null, agent_role: null,
    log_paths: { stdout: 'tasks/t-live/stdout.log', stderr: 'tasks/t-live/stderr.log' }, status: 'succeeded', summary: 'done',
    exit_code: 0, signal: null, duration_ms: 5, artifacts: [], error_class: null,
  });
  for (const listener of listeners) listener(readTelemetry(run.file).events.at(-1)!);
  expect(await indexed((i) => listRuns(i.db, 'all')[0]?.tasks[0]?.status, (s) => s === 'succeeded')).toBe('succeeded');
  await watcher!.dispose();
  watcher = null;
  expect(listeners.size).toBe(0);
});

it('reports a foreign line to its log and goes on', async () => {
  new RunFixture(runsDir, 'RUN-20261120-001').start().raw('not json\n').task({ id: 't-1' });
  watcher = await IndexWatcher.start(runsDir, log, () => () => {});
  await watcher!.ready();
  expect(await indexed((i) => listRuns(i.db, 'all')[0]?.tasks.length, (n) => n === 1)).toBe(1);
  const end = Date.now() + DEADLINE_MS;
  while (warnings.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, POLL_MS));
  expect(warnings).toEqual(['index: skipped 1 torn or foreign telemetry line(s)']);
});

it('never stalls the daemon on another process\'s write lock (a rebuild): it steps aside, and indexes the run once the lock is gone', async () => {
  new RunFixture(runsDir, 'RUN-20261120-001').start('before').task({ id: 't-1' });
  RunIndex.open(runsDir, open).close();
  const holder = open(join(runsDir, 'index.sqlite'));
  holder.exec('BEGIN IMMEDIATE');
  const listeners = new Set<(e: TelemetryEvent) => void>();
  watcher = await IndexWatcher.start(runsDir, log, (l) => {
    listeners.add(l);
    return () => listeners.delete(l);
  });
  await watcher!.ready();
  // The daemon's loop must keep turning while the lock is held: measure its longest gap between timers.
  let longestGapMs = 0;
  let last = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    longestGapMs = Math.max(longestGapMs, now - last);
    last = now;
  }, 10);
  const run = new RunFixture(runsDir, 'RUN-20261121-001').start('during the lock').task({ id: 't-2' });
  for (const e of readTelemetry(run.file).events) for (const l of listeners) l(e);
  const lockedUntil = Date.now() + LOCK_HELD_MS;
  while (Date.now() < lockedUntil) await new Promise((r) => setTimeout(r, POLL_MS));
  clearInterval(ticker);
  holder.exec('COMMIT');
  holder.close();
  expect(longestGapMs).toBeLessThan(MAX_STALL_MS);
  expect(await indexed(runIds, (ids) => ids.length === 2)).toEqual(['RUN-20261120-001', 'RUN-20261121-001']);
});

/** Long enough for the watcher to meet the lock more than once (its busy timeout was 5 s, its retry 2 s). */
const LOCK_HELD_MS = 6_000;
/** A stall a person would notice in the TUI or a PTY screen; the old busy wait stalled 5 s. */
const MAX_STALL_MS = 500;
