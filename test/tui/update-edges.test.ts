import { describe, expect, it } from 'vitest';
import { initialState, type AppState } from '../../src/tui/app-state.js';
import { update } from '../../src/tui/update.js';
import { press, runsMsg, task, withTasks } from './state-fixtures.js';

const TOOLS = [{ name: 'greet', mode: 'batch', description: '', placeholders: ['greeting'] }];

describe('update at the edges', () => {
  it('a task ending while its pane has the keys gives them back at once, saying how it ended, and the next key is a command', () => {
    let s = press(withTasks(task('t-1')), 'enter').state;
    expect(s.focus).toBe('pane');
    s = update(s, runsMsg(task('t-1', { status: 'failed', exit_code: 3 }))).state;
    expect(s.focus).toBe('control');
    expect(s.message).toBe('t-1 exited 3');
    // j is not swallowed: it moves the selection (from the task up to its run).
    expect(press(s, 'j', 'k').state.selected).toBe('run:RUN-1');
    // Without an exit code (cancelled by a signal, lost), the status says it.
    const lost = update(press(withTasks(task('t-2')), 'enter').state, runsMsg(task('t-2', { status: 'lost' }))).state;
    expect(lost).toMatchObject({ focus: 'control', message: 't-2 lost' });
  });

  it('a key that reaches a pane whose end is not yet folded in is not sent to it and not run as a command', () => {
    const inPane = press(withTasks(task('t-1')), 'enter').state;
    // The rows changed under the pane without a runs message (as if folded elsewhere).
    const ended: AppState = { ...inPane, runs: [{ run_id: 'RUN-1', title: null, started_at: null, tasks: [task('t-1', { status: 'succeeded', exit_code: 0 })] }] };
    const step = update(ended, { type: 'key', name: 'q', ch: 'q', seq: 'q' });
    expect(step.effects).toEqual([]);
    expect(step.state).toMatchObject({ focus: 'control', message: 't-1 exited 0' });
  });

  it('zoom ends with the zoomed pane', () => {
    const zoomed = press(withTasks(task('t-1')), 'z').state;
    expect(zoomed.zoom).toBe(true);
    expect(update(zoomed, runsMsg(task('t-1', { status: 'succeeded', exit_code: 0 }))).state.zoom).toBe(false);
  });

  it('z with no pane selected says so and leaves zoom off, from the key and from the palette', () => {
    const batch = withTasks(task('t-1'), task('t-b', { mode: 'batch', tool: 'sh' }));
    expect(batch.selected).toBe('task:t-b');
    const byKey = press(batch, 'z').state;
    expect(byKey).toMatchObject({ zoom: false, message: 'no pane selected (Tab selects one)' });
    const onRun = press(batch, 'k', 'k', 'k').state;
    expect(onRun.selected).toBe('run:RUN-1');
    expect(press(onRun, 'z').state.zoom).toBe(false);
    expect(press(batch, ':', 'z', 'o', 'o', 'm', 'enter').state).toMatchObject({ zoom: false, message: 'no pane selected (Tab selects one)' });
    // A later Tab selects a pane, unzoomed.
    expect(press(byKey, 'tab').state).toMatchObject({ selected: 'task:t-1', zoom: false });
  });

  it('scrolling stops at the history the pane holds, so the opposite key moves at once', () => {
    let s = withTasks(task('t-1'));
    s = update(s, { type: 'history', lines: { 't-1': 12 } }).state;
    s = press(s, ...Array(60).fill('K')).state;
    expect(s.scroll['t-1']).toBe(12);
    s = press(s, 'J').state;
    expect(s.scroll['t-1']).toBe(7);
    s = update(s, { type: 'wheel', task_id: 't-1', lines: 100 }).state;
    expect(s.scroll['t-1']).toBe(12);
    s = update(s, { type: 'wheel', task_id: 't-1', lines: -100 }).state;
    expect(s.scroll['t-1']).toBe(0);
    // History the shell has not reported (pane not attached yet) is none.
    expect(update(s, { type: 'wheel', task_id: 't-x', lines: 3 }).state.scroll['t-x']).toBe(0);
    // A history that shrinks (screen cleared, pane resized) pulls the scroll down with it.
    s = press(update(s, { type: 'history', lines: { 't-1': 40 } }).state, 'K', 'K', 'K', 'K').state;
    expect(s.scroll['t-1']).toBe(20);
    expect(update(s, { type: 'history', lines: { 't-1': 8 } }).state.scroll['t-1']).toBe(8);
  });

  it('a pane scrolled back stays on the lines it shows while its task writes more (as tmux copy mode does); at the bottom it follows', () => {
    let s = update(withTasks(task('t-1'), task('t-2')), { type: 'history', lines: { 't-1': 40, 't-2': 40 } }).state;
    s = update(s, { type: 'wheel', task_id: 't-1', lines: 6 }).state;
    s = update(s, { type: 'history', lines: { 't-1': 47, 't-2': 47 }, pushed: { 't-1': 7, 't-2': 7 } }).state; // seven new lines pushed into the history
    expect(s.scroll['t-1']).toBe(13);
    expect(s.scroll['t-2'] ?? 0).toBe(0);
    // A full history (2,000 lines) keeps its length: the lines pushed still move the view with them.
    s = update(s, { type: 'history', lines: {}, pushed: { 't-1': 5 } }).state;
    expect(s.scroll['t-1']).toBe(18);
    // Cleared (the history shrinks): as far back as there is.
    expect(update(s, { type: 'history', lines: { 't-1': 5 } }).state.scroll['t-1']).toBe(5);
  });

  it('paging stops at the last page, so the first [ goes back', () => {
    const tasks = Array.from({ length: 10 }, (_, i) => task(`t-${i}`));
    let s = update(initialState(9), runsMsg(...tasks)).state;
    s = press(s, ']').state;
    expect(s.page).toBe(1);
    s = press(s, ']').state;
    expect(s.page).toBe(1);
    s = press(s, '[').state;
    expect(s.page).toBe(0);
    s = press(s, '[').state;
    expect(s.page).toBe(0);
    // Panes going away pull the page back to the last one that exists.
    s = press(s, ']').state;
    expect(update(s, runsMsg(...tasks.slice(0, 3))).state.page).toBe(0);
  });

  it('the grid shows the selected pane\'s page: restored, moved to with j/k, and Enter types into a pane on screen', () => {
    const tasks = Array.from({ length: 10 }, (_, i) => task(`t-${i}`));
    // The restored selection (the newest task) is the tenth pane: page 2 of 9 tiles a page.
    let s = update(initialState(9), runsMsg(...tasks)).state;
    expect(s).toMatchObject({ selected: 'task:t-9', page: 1 });
    s = press(s, 'k').state;
    expect(s).toMatchObject({ selected: 'task:t-8', page: 0 });
    s = press(s, 'j').state;
    expect(s).toMatchObject({ selected: 'task:t-9', page: 1 });
    const typed = press(s, 'enter', 'x');
    expect(typed.state).toMatchObject({ focus: 'pane', page: 1 });
    expect(typed.effects).toEqual([{ type: 'input', task_id: 't-9', data: 'x' }]);
    // Up to the run and down again: a run selected leaves the page; its first task's pane brings page 1 back.
    s = press(s, ...Array<string>(10).fill('k')).state;
    expect(s).toMatchObject({ selected: 'run:RUN-1', page: 0 });
    // Paging with a pane selected takes the selection along, so it stays in view.
    s = press(s, 'j', ']').state;
    expect(s).toMatchObject({ selected: 'task:t-9', page: 1 });
    s = press(s, '[').state;
    expect(s).toMatchObject({ selected: 'task:t-0', page: 0 });
    // A selection on a batch task leaves paging free.
    const mixed = update(initialState(9), runsMsg(...tasks, task('t-b', { mode: 'batch', status: 'succeeded' }))).state;
    expect(mixed.selected).toBe('task:t-b');
    expect(press(mixed, ']').state).toMatchObject({ selected: 'task:t-b', page: 1 });
  });

  it('a key never reaches a pane that is off screen: the keys come back instead', () => {
    const tasks = Array.from({ length: 10 }, (_, i) => task(`t-${i}`));
    const inPane = press(update(initialState(9), runsMsg(...tasks)).state, 'enter').state;
    // A state update() itself never makes: the typed-into pane on a page not shown.
    const step = update({ ...inPane, page: 0 }, { type: 'key', name: 'x', ch: 'x', seq: 'x' });
    expect(step.effects).toEqual([]);
    expect(step.state).toMatchObject({ focus: 'control', message: "t-9's pane is not on screen" });
  });

  it('a submit waits for the daemon in the form: a refusal shows in it with everything typed, an acceptance closes it', () => {
    let s = update(withTasks(), { type: 'tools', tools: TOOLS }).state;
    const submit = press(s, 'enter', 'h', 'i', 'enter', 'n', 'o', 's', 'u', 'c', 'h', '=', '1', 'enter');
    expect(submit.effects).toEqual([{ type: 'submit', tool: 'greet', prompt: 'hi', set: { nosuch: '1' } }]);
    s = submit.state;
    expect(s.overlay).toMatchObject({ kind: 'new-task', pending: true });
    // Enter again while the daemon decides does not submit twice.
    expect(press(s, 'enter').effects).toEqual([]);
    const refusal = '--set nosuch: no such variable (declared under vars: greeting)';
    s = update(s, { type: 'submit-failed', error: refusal }).state;
    expect(s.overlay).toMatchObject({ kind: 'new-task', step: 'vars', prompt: 'hi', vars: 'nosuch=1', pending: false, error: refusal });
    // Fix the variable and submit again.
    s = press(s, 'C-u', ...'greeting=yo'.split('')).state;
    expect(press(s, 'enter').effects).toEqual([{ type: 'submit', tool: 'greet', prompt: 'hi', set: { greeting: 'yo' } }]);
    s = update(press(s, 'enter').state, { type: 'submitted', run_id: 'RUN-1', task_id: 't-9' }).state;
    expect(s).toMatchObject({ overlay: null, selected: 'task:t-9', message: 'started t-9 in RUN-1' });
  });

  it('a local parse error keeps the form open with the error in it; a refusal after Esc goes to the status line', () => {
    let s = update(withTasks(), { type: 'tools', tools: TOOLS }).state;
    const bad = press(s, 'enter', 'enter', '=', 'x', 'enter');
    expect(bad.effects).toEqual([]);
    expect(bad.state.overlay).toMatchObject({ kind: 'new-task', pending: false, error: "cannot read '=x': write KEY=VALUE" });
    s = press(s, 'enter', 'enter', 'enter', 'escape').state;
    expect(s.overlay).toBeNull();
    expect(update(s, { type: 'submit-failed', error: 'no tool' }).state).toMatchObject({ overlay: null, message: 'no tool' });
  });
});
