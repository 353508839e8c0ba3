import blessed from 'blessed';
import { describe, expect, it } from 'vitest';
import type { TelemetryEvent } from '../../src/core/events.js';
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
