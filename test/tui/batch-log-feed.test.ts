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

  it("an OpenCode batch task (output: opencode-json) reads as what the agent said and did, not its JSON stream; other tools' JSON stays as written", () => {
    const dir = taskDir();
    const event = (type: string, part: Record<string, unknown>) => JSON.stringify({ type, timestamp: 1, sessionID: 'ses_1', part });
    const stream = [
      event('step_start', { messageID: 'msg_1' }),
      event('text', { text: 'Hello\nworld \u001b]0;TITLE\u0007done' }),
      'a warning OpenCode printed',
      event('step_finish', { reason: 'stop', tokens: { input: 100, output: 20 }, cost: 0 }),
    ];
    writeFileSync(join(dir, 'stdout.log'), `${stream.join('\n')}\n`);
    writeFileSync(join(dir, 'task.json'), JSON.stringify({ task_id: LOG.task_id, tool_config: { mode: 'batch', cmd: ['opencode', 'run'], output: 'opencode-json' } }));
    const feed = new BatchLogFeed(runs);
    expect(feed.refresh(LOG, 20)).toMatchObject({ lines: 5 });
    expect(feed.shown()).toEqual(['· step started', 'Hello', 'world done', 'a warning OpenCode printed', '· step finished (stop): 120 tokens, $0']);
    // The same stream from a tool that does not say it is OpenCode's is shown as it is.
    writeFileSync(join(dir, 'task.json'), JSON.stringify({ task_id: LOG.task_id, tool_config: { mode: 'batch', cmd: ['x'] } }));
    const plain = new BatchLogFeed(runs);
    plain.refresh(LOG, 20);
    expect(plain.shown()[0]).toBe(blessedEscaped(stream[0]!));
  });
});

/** A line as the feed hands it to blessed: braces as {open} and {close}. */
function blessedEscaped(line: string): string {
  return line.replace(/[{}]/g, (c) => (c === '{' ? '{open}' : '{close}'));
}
