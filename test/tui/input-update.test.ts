import { describe, expect, it } from 'vitest';
import { initialState } from '../../src/tui/app-state.js';
import { KEY_MAP, withOverrides } from '../../src/tui/key-map.js';
import { update } from '../../src/tui/update.js';
import { key, press, runsMsg, task, withTasks } from './state-fixtures.js';

const paste = (text: string) => ({ type: 'paste' as const, text });

describe('update: pastes', () => {
  it('go to the pane taking the keys, whole, as a paste (the shell brackets it if the pane asked)', () => {
    const inPane = press(withTasks(task('t-1')), 'enter').state;
    expect(update(inPane, paste('ls\rq\r'))).toMatchObject({ state: { focus: 'pane' }, effects: [{ type: 'paste', task_id: 't-1', text: 'ls\rq\r' }] });
  });

  it('run no command outside a pane: q, Q, z, n in a paste do nothing', () => {
    const s = withTasks(task('t-1'));
    const after = update(s, paste('q\rQzn\r'));
    expect(after.effects).toEqual([]);
    expect(after.state).toEqual({ ...s, message: expect.stringMatching(/^paste ignored/) });
  });

  it('go into an open text field as one line; elsewhere in an overlay they are dropped (y would confirm)', () => {
    const filter = press(withTasks(task('t-1')), '/').state;
    expect(update(filter, paste('she\rll')).state.overlay).toMatchObject({ kind: 'filter', draft: 'she ll' });
    const confirm = press(withTasks(task('t-1')), 'c').state;
    expect(confirm.overlay?.kind).toBe('confirm');
    expect(update(confirm, paste('y'))).toEqual({ state: confirm, effects: [] });
    const picker = update(withTasks(task('t-1')), { type: 'tools', tools: [{ name: 'shell', mode: 'interactive', description: '', placeholders: [] }] }).state;
    expect(update(picker, paste('q')).state.overlay).toMatchObject({ kind: 'new-task', step: 'tool' });
  });

  it('into a pane whose task ended: the keys come back with why, nothing is sent', () => {
    const inPane = press(withTasks(task('t-1')), 'enter').state;
    const ended = update(inPane, runsMsg(task('t-1', { status: 'succeeded', exit_code: 0 }))).state;
    const r = update({ ...ended, focus: 'pane' }, paste('x'));
    expect(r.effects).toEqual([]);
    expect(r.state.focus).toBe('control');
  });
});

describe('update: the leave key twice', () => {
  it('sends the key to the pane just left, which takes the keys again', () => {
    const inPane = press(withTasks(task('t-1')), 'enter').state;
    const left = update(inPane, key('C-a', '\x01'));
    expect(left).toMatchObject({ state: { focus: 'control' }, effects: [] });
    expect(update(left.state, key('C-a', '\x01'))).toMatchObject({ state: { focus: 'pane' }, effects: [{ type: 'input', task_id: 't-1', data: '\x01' }] });
  });

  it('only right after leaving: another key in between makes the leave key a plain leave again', () => {
    const left = press(withTasks(task('t-1')), 'enter', 'C-a', 'e').state;
    expect(update(left, key('C-a', '\x01'))).toMatchObject({ state: { focus: 'control' }, effects: [] });
    const pasted = update(press(withTasks(task('t-1')), 'enter', 'C-a').state, paste('x')).state;
    expect(update(pasted, key('C-a', '\x01'))).toMatchObject({ state: { focus: 'control' }, effects: [] });
  });

  it('sends a remapped leave key, not Ctrl-a', () => {
    const map = withOverrides(KEY_MAP, { leave: ['C-b'] });
    const s = { ...withTasks(task('t-1')), keyMap: map, keyIndex: initialState(9, map).keyIndex };
    const left = update(press(s, 'enter').state, key('C-b', '\x02')).state;
    expect(update(left, key('C-b', '\x02')).effects).toEqual([{ type: 'input', task_id: 't-1', data: '\x02' }]);
  });
});

describe('update: a click on a run-tree row', () => {
  it('selects that row, and keys stop going to the pane', () => {
    const inPane = press(withTasks(task('t-1'), task('t-2', { mode: 'batch', status: 'succeeded' })), 'k', 'enter').state;
    expect(inPane).toMatchObject({ selected: 'task:t-1', focus: 'pane' });
    expect(update(inPane, { type: 'select-row', key: 'task:t-2' }).state).toMatchObject({ selected: 'task:t-2', focus: 'control' });
    expect(update(inPane, { type: 'select-row', key: 'run:RUN-1' }).state.selected).toBe('run:RUN-1');
    expect(update(inPane, { type: 'select-row', key: 'task:gone' }).state).toEqual(inPane);
  });
});
