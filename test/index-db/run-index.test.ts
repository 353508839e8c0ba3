import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { foldRun } from '../../src/core/task-view.js';
import { SCHEMA_VERSION } from '../../src/index-db/index-schema.js';
import { removeIndexFiles } from '../../src/index-db/open-index.js';
import { RunIndex } from '../../src/index-db/run-index.js';
import { loadSqlite, type SqliteOpen } from '../../src/index-db/sqlite-driver.js';
import { listRuns } from '../../src/index-db/task-query.js';
import { readTelemetry } from '../../src/telemetry/telemetry-reader.js';
import { RunFixture } from './telemetry-fixture.js';

let open: SqliteOpen;
let runsDir: string;
const openIndexes: RunIndex[] = [];

beforeEach(async () => {
  const sqlite = await loadSqlite();
  if (!sqlite.ok) throw new Error(`better-sqlite3 must load for these tests: ${sqlite.reason}`);
  open = sqlite.open;
  runsDir = join(mkdtempSync(join(tmpdir(), 'lacp-index-')), 'runs');
});

afterEach(() => {
  for (const index of openIndexes.splice(0)) index.close();
  rmSync(join(runsDir, '..'), { recursive: true, force: true });
});

function openRunIndex(): RunIndex {
  const index = RunIndex.open(runsDir, open);
  openIndexes.push(index);
  return index;
}

/** Every row the index derives, without the rowids that depend on the order things were indexed in. */
function dump(index: RunIndex) {
  const all = (sql: string) => index.db.prepare(sql).all();
  return {
    runs: all('SELECT * FROM runs ORDER BY run_id'),
    sources: all('SELECT * FROM sources ORDER BY run_id'),
    tasks: all('SELECT * FROM tasks ORDER BY run_id, task_id'),
    events: all('SELECT run_id, seq, ts, event, status, task_id, summary, data, detail FROM events ORDER BY run_id, seq'),
    eventText: all("SELECT e.run_id, e.seq FROM events_fts JOIN events e ON e.id = events_fts.rowid WHERE events_fts MATCH 'started' ORDER BY 1, 2"),
    outputs: all('SELECT run_id, task_id, stream, ts, text FROM output_fts ORDER BY run_id, task_id, stream'),
  };
}

function writeHistory(): RunFixture[] {
  const a = new RunFixture(runsDir, 'RUN-20261120-001').start('first run');
  a.task({ id: 't-a1', tool: 'opencode', phase: 'plan', role: 'planner', toolEvents: [{ text: 'reading the parser' }], stdout: 'hello from a1\n' });
  a.task({ id: 't-a2', status: 'failed', phase: 'build', stderr: 'segfault in module zebra\n' });
  const b = new RunFixture(runsDir, 'RUN-20261120-002', Date.parse('2026-11-21T09:00:00.000Z')).start(null);
  b.task({ id: 't-b1', tool: 'opencode', status: 'running', role: 'reviewer' });
  b.task({ id: 't-b2', status: 'queued' });
  return [a, b];
}

describe('RunIndex', () => {
  it('builds the same rows incrementally (small slices, growing files) as in one rebuild', () => {
    const [a] = writeHistory();
    const index = openRunIndex();
    // Index in slices of 300 bytes (each cut mid-line), while the history grows between syncs.
    for (let i = 0; i < 20 && index.sync({ maxBytes: 300 }).more; i++);
    a!.task({ id: 't-a3', toolEvents: [{ note: 'late' }], stdout: 'late output\n' });
    const c = new RunFixture(runsDir, 'RUN-20261122-001', Date.parse('2026-11-22T09:00:00.000Z')).start('third');
    index.syncRun('RUN-20261122-001', 100);
    c.task({ id: 't-c1', status: 'failed' });
    while (index.sync({ maxBytes: 500 }).more);
    const incremental = dump(index);
    expect(incremental.events.length).toBeGreaterThan(15);

    const report = index.rebuild();
    expect(report.events).toBe(incremental.events.length);
    expect(dump(index)).toEqual(incremental);
  });

  it('lists the same runs and tasks as folding the JSONL', () => {
    writeHistory();
    const index = openRunIndex();
    index.sync();
    const now = Date.parse('2026-11-21T12:00:00.000Z');
    const fromJsonl = index.store.list().map((id) => foldRun(id, readTelemetry(index.store.telemetryFile(id)).events, now));
    expect(listRuns(index.db, 'all', {}, now)).toEqual(fromJsonl);
    expect(listRuns(index.db, 'newest', {}, now)).toEqual(fromJsonl.slice(-1));
    expect(listRuns(index.db, { run: 'RUN-20261120-001' }, {}, now)).toEqual(fromJsonl.slice(0, 1));
  });

  it('leaves a torn last line for later and indexes it once it is complete', () => {
    const run = new RunFixture(runsDir, 'RUN-20261120-001').start();
    run.task({ id: 't-1' });
    const full = readFileSync(run.file, 'utf8');
    const lines = full.trimEnd().split('\n');
    const last = `${lines.at(-1)!}\n`;
    truncateSync(run.file, Buffer.byteLength(full) - Buffer.byteLength(last));
    appendFileSync(run.file, last.slice(0, 40)); // the writer died mid-line, for now

    const index = openRunIndex();
    const first = index.sync();
    expect(first.events).toBe(lines.length - 1);
    expect(first.skipped).toBe(0);
    expect(listRuns(index.db, 'all')[0]!.tasks[0]!.status).toBe('running');

    appendFileSync(run.file, last.slice(40));
    const second = index.sync();
    expect(second.events).toBe(1);
    expect(listRuns(index.db, 'all')[0]!.tasks[0]!.status).toBe('succeeded');
  });

  it('skips and counts a foreign line without stopping', () => {
    const run = new RunFixture(runsDir, 'RUN-20261120-001').start();
    run.raw('{"not": "a telemetry event"}\nplain garbage\n');
    run.task({ id: 't-1' });
    const index = openRunIndex();
    const report = index.sync();
    expect(report.skipped).toBe(2);
    expect(report.events).toBe(readTelemetry(run.file).events.length);
    expect(index.db.prepare('SELECT skipped_lines FROM sources').pluck().get()).toBe(2);
  });

  it('loses nothing when the index file is deleted', () => {
    writeHistory();
    const first = openRunIndex();
    first.sync();
    const before = dump(first);
    first.close();
    removeIndexFiles(runsDir);
    const again = openRunIndex();
    again.sync();
    expect(dump(again)).toEqual(before);
  });

  it('rebuilds by itself when the schema version differs', () => {
    writeHistory();
    const first = openRunIndex();
    first.sync();
    const before = dump(first);
    first.db.prepare("UPDATE meta SET value = '0' WHERE key = 'schema_version'").run();
    first.db.exec('DELETE FROM tasks'); // what an old schema left would be thrown away anyway
    first.close();
    const again = openRunIndex();
    expect(again.db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get()).toBe(String(SCHEMA_VERSION));
    expect(again.db.prepare('SELECT COUNT(*) FROM events').pluck().get()).toBe(0);
    again.sync();
    expect(dump(again)).toEqual(before);
  });

  it('follows a run copied over another and a run removed from disk', () => {
    writeHistory();
    const index = openRunIndex();
    index.sync();
    // Replace run 001 by a shorter, different file: the index starts that run again.
    const other = join(runsDir, '..', 'elsewhere');
    new RunFixture(other, 'RUN-20261120-001').start('copied').task({ id: 't-z', status: 'failed' });
    rmSync(join(runsDir, 'RUN-20261120-001'), { recursive: true });
    cpSync(join(other, 'RUN-20261120-001'), join(runsDir, 'RUN-20261120-001'), { recursive: true });
    index.sync();
    const runs = listRuns(index.db, 'all');
    expect(runs.map((r) => [r.run_id, r.title, r.tasks.map((t) => t.task_id)])).toEqual([
      ['RUN-20261120-001', 'copied', ['t-z']],
      ['RUN-20261120-002', null, ['t-b1', 't-b2']],
    ]);
    rmSync(join(runsDir, 'RUN-20261120-002'), { recursive: true });
    expect(index.sync().removed).toBe(1);
    expect(listRuns(index.db, 'all').map((r) => r.run_id)).toEqual(['RUN-20261120-001']);
  });

  it('catches up only the runs a scope covers, but always indexes new runs and forgets removed ones', () => {
    const [a, b] = writeHistory();
    const index = openRunIndex();
    index.sync();
    const taskIds = (scope: 'all' | 'newest' | { run: string }) => listRuns(index.db, scope).map((r) => [r.run_id, r.tasks.map((t) => t.task_id)]);
    // Both runs grow; a 'newest' catch-up reads only the newest one.
    a!.task({ id: 't-a3' });
    b!.task({ id: 't-b3' });
    expect(index.sync({ scope: 'newest' })).toMatchObject({ runs: 1, events: 3 }); // t-b3 queued, started, completed
    expect(taskIds('newest')).toEqual([['RUN-20261120-002', ['t-b1', 't-b2', 't-b3']]]);
    expect(taskIds({ run: 'RUN-20261120-001' })).toEqual([['RUN-20261120-001', ['t-a1', 't-a2']]]);
    // A run new to the index is indexed whatever the scope: it is the newest one now.
    const c = new RunFixture(runsDir, 'RUN-20261121-001').start('third').task({ id: 't-c1' });
    index.sync({ scope: { run: 'RUN-20261120-001' } });
    expect(taskIds({ run: 'RUN-20261120-001' })).toEqual([['RUN-20261120-001', ['t-a1', 't-a2', 't-a3']]]);
    expect(taskIds('newest')).toEqual([[c.runId, ['t-c1']]]);
    rmSync(c.dir, { recursive: true });
    expect(index.sync({ scope: 'newest' }).removed).toBe(1);
    expect(taskIds('all').map(([id]) => id)).toEqual(['RUN-20261120-001', 'RUN-20261120-002']);
  });

  it('indexes a finished task\'s output once, bounded to its head and tail', () => {
    const run = new RunFixture(runsDir, 'RUN-20261120-001').start();
    const big = `HEADWORD ${'x'.repeat(200_000)} MIDDLEWORD ${'y'.repeat(200_000)} TAILWORD\n`;
    run.task({ id: 't-1', stdout: big });
    const index = openRunIndex();
    index.sync();
    const text = index.db.prepare('SELECT text FROM output_fts').pluck().all() as string[];
    expect(text).toHaveLength(1);
    expect(text[0]).toContain('HEADWORD');
    expect(text[0]).toContain('TAILWORD');
    expect(text[0]).not.toContain('MIDDLEWORD');
    writeFileSync(join(run.dir, 'tasks', 't-1', 'stdout.log'), 'changed later');
    run.task({ id: 't-2' });
    index.sync();
    expect(index.db.prepare('SELECT COUNT(*) FROM output_fts').pluck().get()).toBe(1);
  });

  it('keeps working in another connection (the daemon) while a rebuild replaces the tables', () => {
    const [a] = writeHistory();
    const daemonSide = openRunIndex();
    daemonSide.sync();
    const before = dump(daemonSide);
    const cli = openRunIndex();
    cli.rebuild();
    a!.task({ id: 't-after' });
    daemonSide.syncRun('RUN-20261120-001');
    expect(dump(cli).tasks).toHaveLength(before.tasks.length + 1);
    cli.rebuild();
    expect(dump(daemonSide)).toEqual(dump(cli));
  });
});
