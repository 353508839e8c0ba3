import blessed from 'blessed';
import { describe, expect, it } from 'vitest';
import type { TelemetryEvent } from '../../src/core/events.js';
import { displayWidth } from '../../src/core/display-width.js';
import { initialState } from '../../src/tui/app-state.js';
import { KEY_MAP, withOverrides } from '../../src/tui/key-map.js';
import { update } from '../../src/tui/update.js';
import { eventLogLines } from '../../src/tui/view/event-log-view.js';

/** A checkpoint_required event as the task driver writes it: its summary names the CLI commands. */
function checkpoint(kind: 'before' | 'after'): TelemetryEvent {
  return {
    ts: '2026-11-24T10:00:00.000Z', seq: 1, run_id: 'RUN-1', event: 'checkpoint_required', status: 'awaiting_checkpoint',
    checkpoint: kind, summary: kind === 'before' ? 'waiting for approval before it starts (lacp approve / lacp reject)' : 'finished; its result waits for approval (lacp approve / lacp reject)',
    task_id: 't-1', tool: 'sh', mode: 'batch', phase: null, agent_role: null, log_paths: { stdout: '', stderr: '' },
  };
}

const logText = (keyMap = KEY_MAP) => {
  const state = update(initialState(9, keyMap), { type: 'log', events: [checkpoint('before'), checkpoint('after')] }).state;
  return eventLogLines(state, 160, 10).map((l) => blessed.stripTags(l));
};

describe('event log', () => {
  it('a checkpoint says which keys approve and reject in the UI, not the CLI commands', () => {
    const [before, after] = logText();
    expect(before).toContain('t-1 sh: waiting for approval before it starts (select it: a approves, r rejects)');
    expect(after).toContain('t-1 sh: finished; its result waits for approval (select it: a approves, r rejects)');
    expect(`${before}${after}`).not.toContain('lacp approve');
  });

  it('remapped keys show as remapped; a command left without a key is named for the palette', () => {
    const [before] = logText(withOverrides(KEY_MAP, { approve: ['y'], reject: ['x'] }));
    expect(before).toContain('(select it: y approves, x rejects)');
    // `a` given to zoom takes it from approve, which is then only in the palette.
    const [unbound] = logText(withOverrides(KEY_MAP, { zoom: ['a'] }));
    expect(unbound).toContain('(select it: approve from the palette, r rejects)');
  });
});

/** A task_started event: its summary is the whole command line, the longest message there is. */
function started(): TelemetryEvent {
  return {
    ts: '2026-11-24T10:00:00.000Z', seq: 2, run_id: 'RUN-1', event: 'task_started', status: 'running',
    summary: 'started: /usr/bin/opencode --model scripted/model-1 --port 20372', pid: 42,
    task_id: 't-1', tool: 'sh', mode: 'batch', phase: null, agent_role: null, log_paths: { stdout: '', stderr: '' },
  } as TelemetryEvent;
}

describe('event log lines in a narrow box: fitted by priority like the run tree, never cut by the box edge', () => {
  const linesAt = (width: number) => {
    const state = update(initialState(9, KEY_MAP), { type: 'log', events: [started(), checkpoint('before')] }).state;
    return eventLogLines(state, width, 10).map((l) => blessed.stripTags(l).replace(/\{(open|close)\}/g, (_, b) => (b === 'open' ? '{' : '}')));
  };

  it('wide: time, the event name padded so every message starts in the same column, the message cut at the edge', () => {
    const [start, gate] = linesAt(60);
    expect(start).toBe('10:00:00 task_started        t-1 sh: started: /usr/bin/open…');
    expect(gate!.indexOf('t-1 sh:')).toBe(start!.indexOf('t-1 sh:'));
    for (const line of linesAt(60)) expect(displayWidth(line)).toBeLessThanOrEqual(60);
  });

  it('narrower: the message keeps a readable part (24 columns) as the padding goes, then the time; the event name stays', () => {
    for (const width of [40, 36, 30, 24, 20, 12]) for (const line of linesAt(width)) expect(displayWidth(line), `${width}: ${line}`).toBeLessThanOrEqual(width);
    // Only as much padding goes as the message needs for its 24 columns.
    expect(linesAt(50)[0]).toBe('10:00:00 task_started     t-1 sh: started: /usr/b…');
    expect(linesAt(40)).toEqual([
      'task_started t-1 sh: started: /usr/bin/…',
      'checkpoint_required t-1 sh: waiting for…',
    ]);
    expect(linesAt(30)).toEqual([
      'task_started t-1 sh: started:…',
      'checkpoint_required t-1 sh: w…',
    ]);
  });
});
