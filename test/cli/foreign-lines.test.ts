import { appendFileSync, cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunFixture } from '../index-db/telemetry-fixture.js';
import { expectOneLineError } from '../helpers/one-line-error.js';
import { TestWorkspace } from '../helpers/workspace.js';

let ws: TestWorkspace;
let fixture: RunFixture;

beforeEach(() => {
  ws = new TestWorkspace();
  fixture = new RunFixture(join(ws.root, 'runs'), 'RUN-20261120-001').start('first').task({ id: 't-one', status: 'failed' });
});

afterEach(async () => {
  await ws.dispose();
});

const WARNING = 'lacp: warning: RUN-20261120-001: skipped 2 telemetry line(s) that are not lacp events (foreign or damaged)';

// Several real `lacp` processes; on a loaded 2-core machine one takes seconds to start.
const CLI_TEST_TIMEOUT_MS = 120_000;

describe('a run with lines that are not lacp events (copied in, damaged, another tool\'s)', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  it('events, events --json and ls show what is readable and say on stderr how many lines were skipped', async () => {
    appendFileSync(fixture.file, 'not json at all\n{"event":"task_exploded","seq":99}\n');
    const events = await ws.lacp(['events', '--run', 'RUN-20261120-001']);
    expect([events.exitCode, String(events.stdout).split('\n').length, events.stderr]).toEqual([0, 4, WARNING]);
    const json = await ws.lacp(['events', '--run', 'RUN-20261120-001', '--json']);
    expect([json.exitCode, JSON.parse(String(json.stdout)).events.length, json.stderr]).toEqual([0, 4, WARNING]);
    const ls = await ws.lacp(['ls', '--json']);
    expect([ls.exitCode, JSON.parse(String(ls.stdout)).runs[0].tasks[0].status]).toEqual([0, 'failed']);
    expect(ls.stderr).toBe(
      'lacp: warning: skipped 2 telemetry line(s) that are not lacp events (foreign or damaged) in RUN-20261120-001',
    );
  });

  it('a run whose telemetry cannot be read (a directory in its place) is listed empty with a warning, never fatal to the others', async () => {
    mkdirSync(join(ws.root, 'runs', 'RUN-20261121-001', 'telemetry.jsonl'), { recursive: true });
    const unreadable = /^lacp: warning: RUN-20261121-001: telemetry\.jsonl unreadable \(EISDIR/;
    const events = await ws.lacp(['events', '--run', 'RUN-20261121-001']);
    expect([events.exitCode, events.stdout]).toEqual([0, '']);
    expect(events.stderr).toMatch(unreadable);
    const ls = await ws.lacp(['ls', '--all', '--json']);
    expect([ls.exitCode, JSON.parse(String(ls.stdout)).runs.map((r: { tasks: unknown[] }) => r.tasks.length)]).toEqual([0, [1, 0]]);
    expect(ls.stderr).toMatch(unreadable);
    for (const args of [['index', 'rebuild'], ['search', 'exit', '--json'], ['ls', '--all', '--json']]) {
      const r = await ws.lacp(args);
      expect(r.exitCode, `${args.join(' ')}: ${String(r.stderr)}`).toBe(0);
      expect(String(r.stderr), args.join(' ')).not.toMatch(/internal error/);
    }
  });

  it('lacp logs of a task whose log cannot be read (a directory in its place) says so in one line, not as an internal error', async () => {
    const log = join(ws.root, 'runs', 'RUN-20261120-001', 'tasks', 't-one', 'stderr.log');
    rmSync(log, { force: true });
    mkdirSync(log);
    for (const follow of [[], ['--follow']])
      expectOneLineError(await ws.lacp(['logs', 't-one', '--stderr', ...follow]), 1, new RegExp(`^lacp: cannot read ${log}: EISDIR`));
  });

  it('lacp logs --json is refused (its output is the task\'s own bytes, never JSON) rather than ignored', async () => {
    expectOneLineError(await ws.lacp(['logs', 't-one', '--json']), 2, /^lacp: lacp logs: --json: .*lacp events --json/);
  });

  it('a half-written run (a torn last line, no task yet) is listed without a warning', async () => {
    const half = new RunFixture(join(ws.root, 'runs'), 'RUN-20261121-001').start('half');
    appendFileSync(half.file, '{"ts":"2026-11-21T10:00:00.000Z","seq":1,');
    cpSync(join(ws.root, 'runs', 'RUN-20261120-001'), join(ws.root, 'runs', 'RUN-20261122-001'), { recursive: true }); // copied in
    const ls = await ws.lacp(['ls', '--all', '--json']);
    expect(ls.stderr).toBe('');
    expect(JSON.parse(String(ls.stdout)).runs.map((r: { run_id: string; tasks: unknown[] }) => `${r.run_id} ${r.tasks.length}`)).toEqual([
      'RUN-20261120-001 1',
      'RUN-20261121-001 0',
      'RUN-20261122-001 1',
    ]);
    const events = await ws.lacp(['events', '--run', 'RUN-20261121-001']);
    expect([events.exitCode, String(events.stdout).split('\n').length, events.stderr]).toEqual([0, 1, '']);
  });
});
