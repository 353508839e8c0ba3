import { describe, expect, it } from 'vitest';
import { COMMAND_IDS, helpLines, KEY_MAP, keysLabel, paletteMatches, paneHint, statusHints, withOverrides } from '../../src/tui/key-map.js';
import { initialState } from '../../src/tui/app-state.js';
import { update } from '../../src/tui/update.js';
import { press, task, withTasks } from './state-fixtures.js';

describe('key map', () => {
  it('binds every command once, no key twice, and the contract keys', () => {
    expect(KEY_MAP.map((s) => s.id).sort()).toEqual([...COMMAND_IDS].sort());
    const keys = KEY_MAP.flatMap((s) => s.keys);
    expect(new Set(keys).size).toBe(keys.length);
    const byId = Object.fromEntries(KEY_MAP.map((s) => [s.id, s.keys]));
    expect(byId).toMatchObject({ help: ['?'], enter: ['enter'], leave: ['C-a'], 'next-pane': ['tab'], 'prev-pane': ['S-tab'], zoom: ['z'], 'new-task': ['n'], cancel: ['c'], approve: ['a'], reject: ['r'], filter: ['/'], palette: [':'], quit: ['q'], 'quit-stop': ['Q'] });
    expect(byId.down).toEqual(expect.arrayContaining(['j', 'down']));
  });

  it('generates the help overlay from the map: one line per command, with its keys', () => {
    const lines = helpLines(KEY_MAP);
    expect(lines).toHaveLength(KEY_MAP.length);
    for (const [i, spec] of KEY_MAP.entries()) expect(lines[i]).toContain(spec.title);
    expect(lines.find((l) => l.includes('zoom'))).toMatch(/^z\s/);
    expect(keysLabel(KEY_MAP.find((s) => s.id === 'leave')!)).toBe('Ctrl-a');
  });

  it('a user remap moves a key: the old binding goes, and the help overlay follows', () => {
    const map = withOverrides(KEY_MAP, { zoom: ['f'], help: ['z'] });
    const s = initialState(9, map);
    expect(s.keyIndex.get('f')).toBe('zoom');
    expect(s.keyIndex.get('z')).toBe('help');
    expect(map.find((c) => c.id === 'help')!.keys).toEqual(['z']);
    expect(helpLines(map).find((l) => l.includes('zoom the selected'))).toMatch(/^f\s/);
    expect(press(s, 'z').state.overlay).toEqual({ kind: 'help' });
  });

  it('palette finds commands by name and runs the chosen one', () => {
    expect(paletteMatches(KEY_MAP, 'zoom').map((s) => s.id)).toEqual(['zoom']);
    const s = press(withTasks(task('t-1')), ':', 'z', 'o', 'o', 'm', 'enter').state;
    expect(s.zoom).toBe(true);
    expect(s.overlay).toBeNull();
  });

  it('Enter in the palette with nothing matching says so instead of closing without a word', () => {
    const s = press(withTasks(task('t-1')), ':', 'z', 'z', 'z', 'enter').state;
    expect(s.overlay).toBeNull();
    expect(s.message).toBe("no command matches 'zzz' (: lists them all)");
  });
});

describe('update', () => {
  it('Enter puts keys into an interactive pane; Ctrl-a takes them back', () => {
    let s = press(withTasks(task('t-1')), 'enter').state;
    expect(s.focus).toBe('pane');
    const typed = update(s, { type: 'key', name: 'q', ch: 'q', seq: 'q' });
    expect(typed.effects).toEqual([{ type: 'input', task_id: 't-1', data: 'q' }]);
    s = press(typed.state, 'C-a').state;
    expect(s.focus).toBe('control');
    expect(press(s, 'q').effects).toEqual([{ type: 'quit', stopDaemon: false }]);
  });

  it('Enter on a batch task opens its log view', () => {
    const s = press(withTasks(task('t-b', { mode: 'batch' })), 'enter').state;
    expect(s.overlay).toEqual({ kind: 'log', run_id: 'RUN-1', task_id: 't-b', back: 0, total: 0 });
  });

  it('the log view scrolls back by line, page and all the way, follows again with End, and closes on any other key', () => {
    let s = press(withTasks(task('t-b', { mode: 'batch' })), 'enter').state;
    s = update(s, { type: 'log-length', lines: 100, rows: 30 }).state; // 70 lines above the newest 30
    const back = (st: typeof s) => (st.overlay?.kind === 'log' ? st.overlay.back : null);
    s = press(s, 'up').state;
    expect(back(s)).toBe(1);
    s = press(s, 'pageup').state;
    expect(back(s)).toBe(31);
    s = press(s, 'pageup').state;
    s = press(s, 'pageup').state;
    expect(back(s)).toBe(70); // no further than the first line
    s = press(s, 'pagedown').state;
    expect(back(s)).toBe(40);
    s = press(s, 'end').state;
    expect(back(s)).toBe(0);
    s = press(s, 'home').state;
    expect(back(s)).toBe(70);
    s = update(s, { type: 'log-length', lines: 50, rows: 30 }).state; // a shorter read (the window grew, or a new log)
    expect(back(s)).toBe(20);
    expect(press(s, 'escape').state.overlay).toBeNull();
  });

  it('a log view scrolled back stays on the lines it shows while the task writes more; at the end it follows', () => {
    let s = press(withTasks(task('t-b', { mode: 'batch' })), 'enter').state;
    s = update(s, { type: 'log-length', lines: 100, rows: 30 }).state;
    const back = (st: typeof s) => (st.overlay?.kind === 'log' ? st.overlay.back : null);
    const firstShown = (st: typeof s) => (st.overlay?.kind === 'log' ? st.overlay.total - st.logRows - st.overlay.back : null);
    s = press(s, 'home').state;
    expect(firstShown(s)).toBe(0);
    s = update(s, { type: 'log-length', lines: 140, rows: 30 }).state; // 40 new lines at the end
    expect([back(s), firstShown(s)]).toEqual([110, 0]);
    s = press(s, 'pagedown').state; // lines 30..59
    s = update(s, { type: 'log-length', lines: 150, rows: 20 }).state; // more lines, and a smaller window
    expect(firstShown(s)).toBe(30);
    s = press(s, 'end').state;
    s = update(s, { type: 'log-length', lines: 170, rows: 20 }).state;
    expect([back(s), firstShown(s)]).toEqual([0, 150]); // following the newest
  });

  it('cancel asks first; only y confirms', () => {
    const asked = press(withTasks(task('t-1')), 'c');
    expect(asked.effects).toEqual([]);
    expect(asked.state.overlay?.kind).toBe('confirm');
    expect(press(asked.state, 'n').effects).toEqual([]);
    expect(press(asked.state, 'y').effects).toEqual([{ type: 'cancel', task_id: 't-1' }]);
  });

  it('a/r resolve a checkpoint only on a waiting task', () => {
    expect(press(withTasks(task('t-1')), 'a').effects).toEqual([]);
    const waiting = withTasks(task('t-1', { status: 'awaiting_checkpoint', mode: 'batch' }));
    expect(press(waiting, 'a').effects).toEqual([{ type: 'approve', task_id: 't-1' }]);
    expect(press(waiting, 'r').effects).toEqual([{ type: 'reject', task_id: 't-1' }]);
  });

  it('Q asks when tasks are live and quits at once when none are', () => {
    expect(press(withTasks(task('t-1')), 'Q').state.overlay?.kind).toBe('confirm');
    expect(press(withTasks(task('t-1', { status: 'succeeded' })), 'Q').effects).toEqual([{ type: 'quit', stopDaemon: true }]);
  });

  it('new task: tool, prompt, variables, then submit', () => {
    let s = withTasks();
    expect(press(s, 'n').effects).toEqual([{ type: 'load-tools' }]);
    s = update(s, { type: 'tools', tools: [{ name: 'shell', mode: 'interactive', description: '', placeholders: [] }, { name: 'sh', mode: 'batch', description: '', placeholders: ['model'] }] }).state;
    s = press(s, 'j', 'enter', 'h', 'i', 'enter', 'm', 'o', 'd', 'e', 'l', '=', 'x').state;
    expect(press(s, 'enter').effects).toEqual([{ type: 'submit', tool: 'sh', prompt: 'hi', set: { model: 'x' } }]);
  });

  it('j/k move through runs and tasks; Tab cycles panes; the filter narrows the tree', () => {
    let s = withTasks(task('t-1'), task('t-2'), task('t-3', { mode: 'batch', status: 'succeeded', tool: 'sh' }));
    expect(s.selected).toBe('task:t-3');
    s = press(s, 'k', 'k').state;
    expect(s.selected).toBe('task:t-1');
    s = press(s, 'tab').state;
    expect(s.selected).toBe('task:t-2');
    s = press(s, 'tab').state;
    expect(s.selected).toBe('task:t-1');
    s = press(s, '/', 's', 'h', 'enter').state;
    expect(s.filter).toBe('sh');
  });

  it('keeps the event log bounded', () => {
    const e = { ts: '2026-01-01T00:00:00.000Z', seq: 0, run_id: 'RUN-1', event: 'run_started', status: 'queued', summary: '', title: null } as const;
    let s = initialState(9);
    for (let i = 0; i < 30; i++) s = update(s, { type: 'log', events: Array.from({ length: 100 }, () => e) }).state;
    expect(s.events.length).toBe(2000);
  });
});

describe('a remapped leave key and the status line', () => {
  const remapped = withOverrides(KEY_MAP, { leave: ['C-b'], quit: ['x'] });

  it('the remapped key leaves the pane, and the old one goes to the task like any other key', () => {
    const inPane = press(withTasks(task('t-1')), 'enter').state;
    const s = { ...inPane, keyMap: remapped, keyIndex: initialState(9, remapped).keyIndex };
    expect(update(s, { type: 'key', name: 'C-a', ch: undefined, seq: '\x01' })).toMatchObject({ state: { focus: 'pane' }, effects: [{ type: 'input', task_id: 't-1', data: '\x01' }] });
    const left = update(s, { type: 'key', name: 'C-b', ch: undefined, seq: '\x02' });
    expect(left.effects).toEqual([]);
    expect(left.state.focus).toBe('control');
  });

  it('the status line names the keys in force', () => {
    expect(paneHint(KEY_MAP)).toBe('PANE: keys go to the task, Ctrl-a leaves (twice: sends Ctrl-a)');
    expect(statusHints(KEY_MAP)).toBe('? help  : commands  q quit');
    expect(paneHint(remapped)).toBe('PANE: keys go to the task, Ctrl-b leaves (twice: sends Ctrl-b)');
    expect(statusHints(remapped)).toBe('? help  : commands  x quit');
    expect(helpLines(remapped).find((l) => l.includes('leave the pane'))).toMatch(/^Ctrl-b\s/);
  });
});
