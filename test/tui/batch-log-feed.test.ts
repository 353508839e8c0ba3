import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Overlay } from '../../src/tui/app-state.js';
import { BatchLogFeed } from '../../src/tui/batch-log-feed.js';
import { RunStore } from '../../src/telemetry/run-store.js';

const LOG: Extract<Overlay, { kind: 'log' }> = { kind: 'log', run_id: 'RUN-20261124-001', task_id: 't-1', back: 0, total: 0 };

describe('batch log view feed', () => {
  let runs = '';
  afterEach(() => rmSync(runs, { recursive: true, force: true }));

  function taskDir(): string {
    runs = mkdtempSync(join(tmpdir(), 'lacp-logfeed-'));
    const dir = new RunStore(runs).taskDir(LOG.run_id, LOG.task_id);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  it('reads on open and when the files change, not per frame: drawing only returns what was read', () => {
    const dir = taskDir();
    writeFileSync(join(dir, 'stdout.log'), 'one\ntwo {braces}\n');
    const feed = new BatchLogFeed(runs);
    // Opening the view: one read, one log-length for update.
    expect(feed.refresh(LOG, 20)).toEqual({ type: 'log-length', lines: 2, rows: 20 });
    // Ticks with nothing new ask for nothing.
    expect(feed.refresh(LOG, 20)).toBeNull();
    expect(feed.refresh({ ...LOG, back: 1 }, 20)).toBeNull();
    // The render path reads no file: with the log gone, frames still show the lines read.
    rmSync(join(dir, 'stdout.log'));
    for (let frame = 0; frame < 100; frame++) expect(feed.shown()).toEqual(['one', 'two {open}braces{close}']);
    // A change is read on the next refresh (a tick while the view is open).
    writeFileSync(join(dir, 'stdout.log'), 'one\ntwo\nthree\n');
    writeFileSync(join(dir, 'stderr.log'), 'oops\n');
    expect(feed.refresh(LOG, 20)).toEqual({ type: 'log-length', lines: 6, rows: 20 }); // three, a blank, the stderr rule, oops
    expect(feed.shown().slice(-2)).toEqual(['── stderr ──', 'oops']);
  });

  it('a resize (fewer rows) is told to update without reading again; closing forgets the lines', () => {
    const dir = taskDir();
    writeFileSync(join(dir, 'stdout.log'), 'a\nb\nc\n');
    const feed = new BatchLogFeed(runs);
    expect(feed.refresh(LOG, 20)).toMatchObject({ lines: 3, rows: 20 });
    appendFileSync(join(dir, 'stdout.log'), ''); // the same content, size and time: no new read
    expect(feed.refresh(LOG, 20)).toBeNull();
    expect(feed.refresh(LOG, 8)).toEqual({ type: 'log-length', lines: 3, rows: 8 });
    expect(feed.refresh(null, 8)).toBeNull();
    expect(feed.shown()).toEqual(['(no output yet)']);
    // Opened again (another task or the same): read again.
    expect(feed.refresh(LOG, 8)).toEqual({ type: 'log-length', lines: 3, rows: 8 });
  });
});
