import { appendFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { RunRow } from '../../src/core/task-view.js';
import { filterFromFlags } from '../../src/cli/commands/ls-filter.js';
import { listHistory } from '../../src/index-db/run-history.js';
import { RunIndex } from '../../src/index-db/run-index.js';
import { loadSqlite } from '../../src/index-db/sqlite-driver.js';
import { FilterError, parseList, parseStatuses, parseTimeBound, type TaskFilter } from '../../src/index-db/task-filter.js';
import type { RunScope } from '../../src/index-db/task-query.js';
import { RunFixture } from './telemetry-fixture.js';

let root: string;
let runsDir: string;
const NOW = Date.parse('2026-11-23T00:00:00.000Z');
const warnings: string[] = [];
const warn = (line: string) => warnings.push(line);

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'lacp-history-'));
  runsDir = join(root, 'runs');
  warnings.length = 0;
  new RunFixture(runsDir, 'RUN-20261120-001', Date.parse('2026-11-20T10:00:00.000Z'))
    .start('first')
    .task({ id: 't-plan', tool: 'opencode', phase: 'plan', role: 'planner' })
    .task({ id: 't-build', status: 'failed', phase: 'build', role: 'builder' });
  new RunFixture(runsDir, 'RUN-20261122-001', Date.parse('2026-11-22T10:00:00.000Z'))
    .start('second')
    .task({ id: 't-review', tool: 'opencode', phase: 'review', role: 'reviewer', status: 'failed' })
    .task({ id: 't-live', status: 'running' })
    .task({ id: 't-wait', status: 'queued' });
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const ids = (runs: RunRow[]) => runs.map((r) => [r.run_id, ...r.tasks.map((t) => t.task_id)]);

const CASES: [RunScope, TaskFilter, string[][]][] = [
  ['newest', {}, [['RUN-20261122-001', 't-review', 't-live', 't-wait']]],
  ['all', { status: ['failed'] }, [['RUN-20261120-001', 't-build'], ['RUN-20261122-001', 't-review']]],
  [{ run: 'RUN-20261122-001' }, { status: ['failed'] }, [['RUN-20261122-001', 't-review']]],
  ['all', { tool: ['opencode'], phase: ['plan', 'review'] }, [['RUN-20261120-001', 't-plan'], ['RUN-20261122-001', 't-review']]],
  ['all', { role: ['builder'] }, [['RUN-20261120-001', 't-build']]],
  ['all', { since: parseTimeBound('--since', '2026-11-21', NOW), status: ['queued', 'running'] }, [['RUN-20261122-001', 't-live', 't-wait']]],
  ['all', { until: parseTimeBound('--until', '2d', NOW) }, [['RUN-20261120-001', 't-plan', 't-build']]],
  ['all', { status: ['cancelled'] }, []],
];

it('answers every filter the same from the JSONL and from the index', async () => {
  const fromJsonl = [];
  for (const [scope, filter, expected] of CASES) {
    const rows = await listHistory(runsDir, scope, filter, warn, NOW);
    expect(ids(rows), JSON.stringify([scope, filter])).toEqual(expected);
    fromJsonl.push(rows);
  }
  expect(existsSync(join(runsDir, 'index.sqlite'))).toBe(false); // a listing does not create the index

  const sqlite = await loadSqlite();
  if (!sqlite.ok) throw new Error(sqlite.reason);
  RunIndex.open(runsDir, sqlite.open).close(); // present but empty: the listing catches it up first
  for (const [i, [scope, filter]] of CASES.entries())
    expect(await listHistory(runsDir, scope, filter, warn, NOW), JSON.stringify([scope, filter])).toEqual(fromJsonl[i]);
  expect(warnings).toEqual([]);
});

it('parses relative and absolute time bounds, and refuses others', () => {
  expect(parseTimeBound('--since', '2h', NOW)).toBe('2026-11-22T22:00:00.000Z');
  expect(parseTimeBound('--since', '2026-11-21', NOW)).toBe('2026-11-21T00:00:00.000Z');
  expect(parseTimeBound('--until', '2026-11-21T10:30:00+01:00', NOW)).toBe('2026-11-21T09:30:00.000Z');
  expect(() => parseTimeBound('--since', 'yesterday', NOW)).toThrow('--since yesterday: expected a time like');
  // Date.parse would take these as 2 March and 1 May.
  expect(() => parseTimeBound('--since', '2026-02-30', NOW)).toThrow('--since 2026-02-30: expected a time like');
  expect(() => parseTimeBound('--until', '2026-04-31T10:00:00Z', NOW)).toThrow('--until 2026-04-31T10:00:00Z: expected a time like');
  expect(parseTimeBound('--since', '2028-02-29', NOW)).toBe('2028-02-29T00:00:00.000Z');
});

it('refuses a relative time too far back to be a date, as bad input (not a RangeError)', () => {
  expect(() => parseTimeBound('--since', '99999999999d', NOW)).toThrow(FilterError);
  expect(() => parseTimeBound('--since', '99999999999d', NOW)).toThrow('--since 99999999999d: too far back');
  expect(parseTimeBound('--since', '3650d', NOW)).toBe('2016-11-25T00:00:00.000Z');
});

it('takes a day given alone to --until as the whole day, so --until TODAY includes today', () => {
  expect(parseTimeBound('--until', '2026-11-21', NOW)).toBe('2026-11-21T23:59:59.999Z');
  expect(parseTimeBound('--until', '2026-11-21T10:00:00Z', NOW)).toBe('2026-11-21T10:00:00.000Z');
});

it('refuses an empty list, which would silently mean no filter at all (`--status "$S"` with S unset)', () => {
  for (const value of ['', ' ', ',', ' , '])
    expect(() => parseList('--tool', value), JSON.stringify(value)).toThrow(`--tool ${JSON.stringify(value)}: expected a value`);
  expect(() => parseStatuses('--status', ',')).toThrow(FilterError);
  expect(parseList('--tool', 'sh, opencode,')).toEqual(['sh', 'opencode']);
});

it('reports foreign lines of the runs it lists in one warning, from the index and from the JSONL alike; a torn last line is not one', async () => {
  const foreign = join(runsDir, 'RUN-20261120-001', 'telemetry.jsonl');
  appendFileSync(foreign, 'not json\n{"event":"bogus"}\n');
  appendFileSync(join(runsDir, 'RUN-20261122-001', 'telemetry.jsonl'), '{"ts":"2026-11-22T10:00'); // a writer mid-line
  const expected = 'skipped 2 telemetry line(s) that are not lacp events (foreign or damaged) in RUN-20261120-001';
  await listHistory(runsDir, 'all', {}, warn, NOW);
  expect(warnings.splice(0)).toEqual([expected]);
  await listHistory(runsDir, 'newest', {}, warn, NOW); // the newest run has none
  expect(warnings.splice(0)).toEqual([]);
  const sqlite = await loadSqlite();
  if (!sqlite.ok) throw new Error(sqlite.reason);
  RunIndex.open(runsDir, sqlite.open).close();
  await listHistory(runsDir, 'all', { status: ['failed'] }, warn, NOW);
  expect(warnings.splice(0)).toEqual([expected]);
  await listHistory(runsDir, { run: 'RUN-20261122-001' }, {}, warn, NOW);
  expect(warnings.splice(0)).toEqual([]);
});

it('refuses --since later than --until: the range is empty by construction, most likely the two swapped', () => {
  expect(() => filterFromFlags({ since: '2026-11-24', until: '2026-11-20' }, NOW)).toThrow(
    'lacp ls: --since 2026-11-24 is later than --until 2026-11-20 (no task could match)',
  );
  expect(filterFromFlags({ since: '2026-11-20', until: '2026-11-20' }, NOW).filtered).toBe(true);
});
