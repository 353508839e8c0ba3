import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, TestWorkspace } from '../helpers/workspace.js';
import { TmuxTui } from './tmux-tui.js';
import { useTuiSessions } from './tui-session.js';

/**
 * Panes that show exactly the bytes they get: `cat -v` prints ESC as ^[ and Ctrl-a as ^A
 * (one line at a time: the tty is in canonical mode); `stty -echo` so only cat's output
 * shows. `catpaste` asks its terminal for bracketed paste first, as readline and editors do.
 */
const INPUT_TOOLS = `version: 1
tools:
  catpaste:
    mode: interactive
    cmd: ['sh', '-c', 'stty -echo; printf "\\033[?2004h"; exec cat -v']
  catv:
    mode: interactive
    cmd: ['sh', '-c', 'stty -echo; exec cat -v']
`;

const openTui = useTuiSessions();
const open = (size?: { cols: number; rows: number }) => openTui(INPUT_TOOLS, size);

const statusLine = (s: string): string => s.split('\n').find((l) => l.includes('CONTROL') || l.includes('PANE:')) ?? '';

/** Starts `tool` and the UI, and enters the tool's pane: its task id. */
async function typingInto(w: TestWorkspace, t: TmuxTui, tool: string, args: string[] = []): Promise<string> {
  const taskId = (await w.run([tool])).taskId;
  t.start(args);
  await t.waitFor(new RegExp(`CONTROL\\s+▶ ${taskId}`), `${tool}'s pane selected`);
  t.keys('Enter');
  await t.waitFor(/PANE: keys go to the task/);
  return taskId;
}

// Each flow starts real processes (tmux, the UI, a daemon, cat) on a shared machine: room beyond the default.
describe('lacp-tui input under tmux', { timeout: 120_000 }, () => {
  it('a paste into a pane that asked for bracketed paste arrives inside the markers, its newline not typed as Enter', async () => {
    const { ws, tui } = open();
    await typingInto(ws, tui, 'catpaste');
    tui.paste('first line\nsecond line');
    tui.keys('Enter'); // cat prints a line once it ends
    await tui.waitFor((s) => s.includes('^[[200~first line') && s.includes('second line^[[201~'), 'the paste between the markers in the pane');
    expect(statusLine(tui.screen())).toMatch(/PANE: keys go to the task/);
    tui.keys('C-a');
    await tui.waitFor(/CONTROL/);
    tui.keys('q');
    // Bracketed paste is off again on the host terminal: a paste into the shell after it has no markers.
    expect((await tui.waitExit()).status).toBe(0);
    tui.paste('after-exit');
    const after = await tui.waitFor(/after-exit/, 'the paste echoed by the pane after the UI');
    expect(after).not.toMatch(/\^\[\[200~/);
  });

  it('a paste into a pane that did not ask for bracketed paste arrives as the text alone', async () => {
    const { ws, tui } = open();
    await typingInto(ws, tui, 'catv');
    tui.paste('plain one\nplain two');
    tui.keys('Enter');
    const screen = await tui.waitFor((s) => /│plain one\s/.test(s) && /│plain two\s/.test(s), 'the pasted lines in the pane');
    expect(screen).not.toMatch(/\^\[\[20[01]~/);
    tui.keys('C-a');
    await tui.waitFor(/CONTROL/);
    tui.keys('q');
    await tui.waitExit();
  });

  it('a paste outside a pane runs no command; with the filter open it goes into the field, newlines as spaces', async () => {
    const { ws, tui } = open();
    const taskId = (await ws.run(['catv'])).taskId;
    tui.start();
    await tui.waitFor(new RegExp(`CONTROL\\s+▶ ${taskId}`), 'the pane selected');
    tui.paste('zq\nQ');
    await tui.waitFor(/paste ignored/, 'the word on the status line');
    // Keys after the paste are read after it: once help shows, the paste has been handled.
    tui.keys('?');
    await tui.waitFor((s) => s.includes('keys (any key closes)') || /lacp-tui exited/.test(s), 'help (or the UI gone)');
    const screen = tui.screen();
    expect(screen).not.toMatch(/lacp-tui exited/);
    expect(screen).toMatch(/┌─ runs/); // not zoomed
    tui.keys('Escape');
    await tui.waitFor((s) => !s.includes('any key closes'), 'help to close');

    tui.keys('/');
    await tui.waitFor(/filter \(Enter keeps, Esc clears\)/);
    tui.paste('cat\nq');
    await tui.waitFor(/\/ cat q/, 'the paste in the filter field');
    tui.keys('Escape');
    await tui.waitFor((s) => !s.includes('filter (Enter keeps'), 'the filter closed');
    tui.keys('q');
    expect((await tui.waitExit()).status).toBe(0);
  });

  it('asks the host terminal for SGR mouse reports with button tracking; killed, it leaves no mouse mode nor bracketed paste on', async () => {
    const { tui } = open();
    tui.start();
    await tui.waitFor(/no runs yet/);
    // SGR (1006): coordinates past column 223 and release buttons; no any-motion flood (1003), no UTF-8 coordinates (1005).
    expect(tui.mouseModes()).toEqual({ sgr: true, button: true, all: false, utf8: false, standard: false });
    process.kill(tui.uiPid(), 'SIGTERM');
    expect(await tui.waitExit()).toMatchObject({ status: 143, mouse: false });
    expect(tui.mouseModes().sgr).toBe(false);
    tui.paste('after-signal');
    expect(await tui.waitFor(/after-signal/, 'the paste echoed by the pane after the UI')).not.toMatch(/\^\[\[200~/);
  });

  it('a click on a run-tree row selects its task; a click on a tile past column 223 selects that pane', async () => {
    const { ws, tui } = open({ cols: 300, rows: 50 });
    const older = (await ws.run(['sh', '--prompt', 'true', '--wait'])).taskId;
    const left = (await ws.run(['catv'])).taskId;
    const right = (await ws.run(['catv'])).taskId;
    tui.start();
    const screen = await tui.waitFor((s) => s.includes(`✔ ${older} sh`) && s.includes(`┌─ ${right} catv`) && new RegExp(`CONTROL\\s+▶ ${right}`).test(s), 'the tree, the tiles, the newest task selected');
    const rows = screen.split('\n');
    const row = rows.findIndex((l) => l.includes(`✔ ${older} sh`));
    tui.click(rows[row]!.indexOf(older) + 1, row + 1);
    await tui.waitFor(new RegExp(`CONTROL\\s+✔ ${older} succeeded`), 'the clicked row selected');

    const top = rows.findIndex((l) => l.includes(`┌─ ${right} catv`));
    const col = rows[top]!.indexOf(`┌─ ${right} catv`) + 50; // display columns: what is left of it on the row is one column a character
    expect(col).toBeGreaterThan(223);
    tui.click(col + 1, top + 4);
    await tui.waitFor(new RegExp(`CONTROL\\s+▶ ${right}`), 'the clicked pane selected');
    tui.click(rows[rows.findIndex((l) => l.includes(`▶ ${left} catv`))]!.indexOf(left) + 1, rows.findIndex((l) => l.includes(`▶ ${left} catv`)) + 1);
    await tui.waitFor(new RegExp(`CONTROL\\s+▶ ${left}`), 'the clicked pane row selected');
    tui.keys('q');
    await tui.waitExit();
  });

  it('the leave key twice sends it once to the pane, which keeps the keys', async () => {
    const { ws, tui } = open();
    await typingInto(ws, tui, 'catv');
    tui.type('a');
    tui.keys('C-a', 'C-a');
    tui.type('b');
    tui.keys('Enter');
    await tui.waitFor(/│a\^Ab\s/, 'one ^A between a and b in the pane');
    expect(statusLine(tui.screen())).toMatch(/PANE: keys go to the task, Ctrl-a leaves \(twice: sends Ctrl-a\)/);
    tui.keys('C-a');
    await tui.waitFor(/CONTROL/);
    tui.keys('?');
    expect(await tui.waitFor(/keys \(any key closes\)/)).toMatch(/Ctrl-a\s+leave the pane.*twice/);
    tui.keys('Escape');
    tui.keys('q');
    await tui.waitExit();
  });

  it('a remapped leave key twice sends that key, not Ctrl-a', async () => {
    const { ws, tui } = open();
    mkdirSync(join(ws.root, 'panes'), { recursive: true });
    writeFileSync(join(ws.root, 'panes', 'remap.yaml'), `${readFileSync(join(REPO, 'panes', 'default.yaml'), 'utf8')}keys:\n  leave: [C-b]\n`);
    await typingInto(ws, tui, 'catv', ['--layout', 'remap']);
    tui.type('x');
    tui.keys('C-b', 'C-b', 'C-a');
    tui.type('y');
    tui.keys('Enter');
    await tui.waitFor(/│x\^B\^Ay\s/, '^B then ^A in the pane');
    expect(statusLine(tui.screen())).toMatch(/Ctrl-b leaves \(twice: sends Ctrl-b\)/);
    tui.keys('C-b');
    await tui.waitFor(/CONTROL/);
    tui.keys('q');
    await tui.waitExit();
  });
});
