import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunRow } from '../../src/core/task-view.js';
import { expectOneLineError } from '../helpers/one-line-error.js';
import { TestWorkspace } from '../helpers/workspace.js';
import { damageIndexTable, RunFixture } from './telemetry-fixture.js';

let ws: TestWorkspace;
let runsDir: string;

beforeEach(() => {
  ws = new TestWorkspace();
  runsDir = join(ws.root, 'runs');
  new RunFixture(runsDir, 'RUN-20261120-001', Date.parse('2026-11-20T10:00:00.000Z'))
    .start('first')
    .task({ id: 't-plan', tool: 'opencode', phase: 'plan', role: 'planner', summary: 'plan the parser' })
    .task({ id: 't-build', status: 'failed', phase: 'build', role: 'builder', stderr: 'error: wombat overflow\n' });
  new RunFixture(runsDir, 'RUN-20261122-001', Date.parse('2026-11-22T10:00:00.000Z'))
    .start('second')
    .task({ id: 't-review', tool: 'opencode', phase: 'review', role: 'reviewer', status: 'failed' })
    .task({ id: 't-wait', status: 'queued' });
});

afterEach(async () => {
  await ws.dispose();
});

async function lsJson(args: string[], env?: Record<string, string>): Promise<{ ids: string[][]; stderr: string }> {
  const r = await ws.lacp(['ls', '--json', ...args], { env });
  expect(r.exitCode).toBe(0);
  const runs = (JSON.parse(String(r.stdout)) as { runs: RunRow[] }).runs;
  return { ids: runs.map((run) => [run.run_id, ...run.tasks.map((t) => t.task_id)]), stderr: String(r.stderr) };
}

// Each test starts several real `lacp` processes; on a loaded 2-core machine one takes seconds to start.
const CLI_TEST_TIMEOUT_MS = 180_000;

describe('lacp ls, search and index', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  it('rebuilds with counts and time, and filters ls from the index (bad values: one line, exit 2)', async () => {
    const rebuild = await ws.lacp(['index', 'rebuild']);
    expect(rebuild.exitCode).toBe(0);
    expect(String(rebuild.stdout)).toMatch(/^indexed 2 run\(s\), 12 event\(s\), 1 task output\(s\) in \d+\.\d\ds \(\d+ events\/s\)$/);
    expect((await lsJson(['--status', 'failed'])).ids).toEqual([['RUN-20261120-001', 't-build'], ['RUN-20261122-001', 't-review']]);
    const table = await ws.lacp(['ls', '--tool', 'opencode', '--phase', 'review']);
    expect(String(table.stdout).split('\n').map((l) => l.trimEnd().split(/ {2,}/).slice(0, 4))).toEqual([
      ['RUN-20261122-001', 'second', '(1 task)'],
      ['', 'TASK', 'STATUS', 'TOOL'],
      ['', 't-review', 'failed', 'opencode'],
    ]);
    const bad = await ws.lacp(['ls', '--status', 'exploded']);
    expect(bad.exitCode).toBe(2);
    expect(String(bad.stderr).split('\n')).toHaveLength(1);
  });

  it('sees a run written after the index was built, and rebuilds the same answers after the index is deleted', async () => {
    await ws.lacp(['index', 'rebuild']);
    new RunFixture(runsDir, 'RUN-20261123-001', Date.parse('2026-11-23T10:00:00.000Z')).start().task({ id: 't-new', summary: 'wombat again' });
    const before = { ls: (await lsJson(['--all'])).ids, search: String((await ws.lacp(['search', 'wombat', '--json'])).stdout) };
    expect(before.ls.at(-1)).toEqual(['RUN-20261123-001', 't-new']);
    expect(JSON.parse(before.search).hits.map((h: { task_id: string; kind: string }) => `${h.task_id} ${h.kind}`)).toEqual([
      't-new event',
      't-build output',
    ]);
    for (const suffix of ['', '-wal', '-shm']) rmSync(join(runsDir, `index.sqlite${suffix}`), { force: true });
    expect((await ws.lacp(['index', 'rebuild'])).exitCode).toBe(0);
    expect({ ls: (await lsJson(['--all'])).ids, search: String((await ws.lacp(['search', 'wombat', '--json'])).stdout) }).toEqual(before);
  });

  it('prints search hits with run, task, time and a snippet, and refuses an empty query', async () => {
    const r = await ws.lacp(['search', 'wombat']);
    expect(r.exitCode).toBe(0);
    expect(String(r.stdout).trim()).toMatch(/^RUN-20261120-001 {2}t-build +2026-11-20 \d\d:\d\d:\d\d {2}stderr +error: wombat overflow$/);
    const empty = await ws.lacp(['search']);
    expect(empty.exitCode).toBe(2);
    expect(String(empty.stderr)).toBe('lacp: lacp search: expected TEXT to search for (lacp search --help)');
  });

  it('refuses odd filter and limit values in one line, exit 2, never as an internal error; a huge limit means all', async () => {
    for (const args of [
      ['ls', '--since', '99999999999d'],
      ['ls', '--status', ''],
      ['ls', '--tool', ','],
      ['search', 'wombat', '--limit', '1e2'],
      ['search', 'wombat', '--limit', '-1'],
    ])
      expectOneLineError(await ws.lacp(args), 2, /^lacp: lacp (ls|search): --(since|status|tool|limit) /);
    const all = await ws.lacp(['search', 'wombat', '--limit', '99999999999999999999', '--json']);
    expect([all.exitCode, all.stderr, JSON.parse(String(all.stdout)).hits.length]).toEqual([0, '', 1]);
  });

  it('refuses a query with no words (only FTS syntax or punctuation), from the index and the JSONL alike', async () => {
    for (const env of [{}, { LACP_NO_INDEX: '1' }])
      for (const text of ['"', '*', '-', '(', '" * -'])
        expectOneLineError(
          await ws.lacp(['search', '--', text], { env }),
          2,
          new RegExp(`lacp search: ${JSON.stringify(text).replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')} has no words to search for`),
        );
  });

  it('index rebuild and status --json give the same shape in a workspace with no runs as in one with runs', async () => {
    const keys = async (w: TestWorkspace, action: string) => {
      const r = await w.lacp(['index', action, '--json']);
      expect(r.exitCode, String(r.stderr)).toBe(0);
      return Object.keys(JSON.parse(String(r.stdout))).sort();
    };
    const empty = new TestWorkspace();
    try {
      for (const action of ['rebuild', 'status']) expect(await keys(empty, action), action).toEqual(await keys(ws, action));
    } finally {
      await empty.dispose();
    }
  });

  it('index rebuild repairs an index damaged where only a query finds it, as the warning says', async () => {
    expect((await ws.lacp(['index', 'rebuild'])).exitCode).toBe(0);
    await damageIndexTable(runsDir, 'tasks');
    await damageIndexTable(runsDir, 'events'); // COUNT(*) of tasks reads a smaller index of them instead
    expect((await lsJson(['--status', 'failed'])).stderr).toMatch(/unreadable \(database disk image is malformed; lacp index rebuild repairs it\)/);
    expectOneLineError(await ws.lacp(['index', 'status']), 1, /unreadable \(database disk image is malformed; lacp index rebuild repairs it\)$/);
    const rebuild = await ws.lacp(['index', 'rebuild']);
    expect([rebuild.exitCode, rebuild.stderr]).toEqual([0, '']);
    expect(await lsJson(['--status', 'failed'])).toEqual({ ids: [['RUN-20261120-001', 't-build'], ['RUN-20261122-001', 't-review']], stderr: '' });
  });

  it('takes --until DAY as the whole day', async () => {
    expect((await lsJson(['--until', '2026-11-20'])).ids).toEqual([['RUN-20261120-001', 't-plan', 't-build']]);
  });

  it('works from the JSONL with one warning when SQLite cannot be used', async () => {
    await ws.lacp(['index', 'rebuild']);
    const withIndex = await lsJson(['--all']);
    const env = { LACP_NO_INDEX: '1' };
    const without = await lsJson(['--all'], env);
    expect(without.ids).toEqual(withIndex.ids);
    expect(without.stderr).toBe('lacp: warning: SQLite index unavailable (disabled by LACP_NO_INDEX); reading the JSONL files instead');
    const search = await ws.lacp(['search', 'wombat'], { env });
    expect(String(search.stdout)).toContain('t-build');
    expect(String(search.stderr).trim().split('\n')).toHaveLength(1);
    const rebuild = await ws.lacp(['index', 'rebuild'], { env });
    expect(rebuild.exitCode).toBe(1);
    expect(String(rebuild.stderr)).toBe('lacp: SQLite index unavailable (disabled by LACP_NO_INDEX); reading the JSONL files instead');
  });

  it('is kept by the daemon: a task it runs is searchable by its output', async () => {
    const { result } = await ws.run(['sh', '--prompt', 'echo capybara-$((6*7))', '--wait']);
    expect(result.exitCode).toBe(0);
    const deadline = Date.now() + 10_000;
    let hits: { task_id: string; source: string; snippet: string }[] = [];
    while (Date.now() < deadline) {
      const r = await ws.lacp(['search', 'capybara', '--json']);
      hits = JSON.parse(String(r.stdout)).hits;
      if (hits.some((h) => h.source === 'stdout')) break;
    }
    expect(hits.find((h) => h.source === 'stdout')?.snippet.trim()).toBe('capybara-42');
  });
});
