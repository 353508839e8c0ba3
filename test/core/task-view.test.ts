import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { foldRun, RunFold } from '../../src/core/task-view.js';
import { readTelemetry } from '../../src/telemetry/telemetry-reader.js';
import { RunFixture } from '../index-db/telemetry-fixture.js';

let dir: string | null = null;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

function fixtureEvents() {
  dir = mkdtempSync(join(tmpdir(), 'lacp-fold-'));
  const run = new RunFixture(dir, 'RUN-20261124-001').start('a title');
  run.task({ id: 't-ok', status: 'succeeded', toolEvents: [{ type: 'text', text: 'hi' }] });
  run.task({ id: 't-bad', status: 'failed', phase: 'build', role: 'builder' });
  run.task({ id: 't-live', status: 'running', toolEvents: [{ type: 'text', text: 'working' }] });
  run.task({ id: 't-waiting', status: 'queued' });
  return readTelemetry(run.file).events;
}

describe('RunFold', () => {
  it('folded one event at a time gives, after every event, the rows of folding the whole prefix', () => {
    const events = fixtureEvents();
    const now = Date.parse('2026-11-20T11:00:00.000Z');
    const fold = new RunFold('RUN-20261124-001');
    events.forEach((e, i) => {
      fold.apply(e);
      expect(fold.rows(now)).toEqual(foldRun('RUN-20261124-001', events.slice(0, i + 1), now));
    });
    const rows = fold.rows(now);
    expect(rows.title).toBe('a title');
    expect(rows.tasks.map((t) => [t.task_id, t.status, t.exit_code])).toEqual([
      ['t-ok', 'succeeded', 0],
      ['t-bad', 'failed', 1],
      ['t-live', 'running', null],
      ['t-waiting', 'queued', null],
    ]);
  });

  it('hands out copies whose live durations run to the time asked, leaving its own rows untouched', () => {
    const events = fixtureEvents();
    const fold = new RunFold('RUN-20261124-001');
    for (const e of events) fold.apply(e);
    const live = (now: number) => fold.rows(now).tasks.find((t) => t.task_id === 't-live')!;
    const startedAt = Date.parse(live(0).started_at!);
    expect(live(startedAt + 5000).duration_ms).toBe(5000);
    expect(live(startedAt + 9000).duration_ms).toBe(9000);
    const copy = fold.rows(startedAt);
    copy.tasks[0]!.status = 'cancelled';
    expect(fold.rows(startedAt).tasks[0]!.status).toBe('succeeded');
  });
});
