import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DaemonClient } from '../../src/client/daemon-client.js';
import { codePointWidth, displayWidth } from '../../src/core/display-width.js';
import type { ScreenText } from '../../src/core/protocol.js';
import { workspacePaths } from '../../src/workspace/workspace-paths.js';
import { REPO } from '../helpers/workspace.js';
import { TmuxTui } from './tmux-tui.js';
import { useTuiSessions } from './tui-session.js';

const GATED_TOOLS = `version: 1
tools:
  gated:
    mode: batch
    cmd: ["sh", "-c", "echo gate-passed"]
    checkpoint: before
  slow:
    mode: batch
    cmd: ["sleep", "60"]
`;

const LOG_TOOLS = `version: 1
tools:
  rows:
    mode: batch
    cmd: ["seq", "-f", "row %g", "1", "300"]
`;

const GREET_TOOLS = `version: 1
vars:
  greeting: hello
tools:
  greet:
    mode: batch
    cmd: ["echo", "{greeting}", "{prompt}"]
`;

const open = useTuiSessions();

/** The character drawn at display column `col` of a captured line. */
function charAtColumn(line: string, col: number): string | undefined {
  let at = 0;
  for (const ch of line) {
    if (at === col) return ch;
    at += codePointWidth(ch.codePointAt(0)!);
  }
  return undefined;
}

/** Tile label of a task: `┌─ t-xxxx shell` as the grid draws it. */
const tileOf = (taskId: string) => new RegExp(`┌─ ${taskId} shell`);

async function newShell(t: TmuxTui): Promise<string> {
  t.keys('n');
  await t.waitFor(/new task: pick a tool/);
  t.keys('Enter'); // shell is first; it takes no {prompt}, so the form asks only for variables
  await t.waitFor(/variables:/);
  t.keys('Enter');
  const screen = await t.waitFor(/started (t-\w+)/, 'the started message');
  return /started (t-\w+)/.exec(screen)![1]!;
}

/** A UI on a fresh workspace with one new shell whose pane takes the keys: its task id. */
async function typingIntoNewShell(t: TmuxTui): Promise<string> {
  t.start();
  await t.waitFor(/no runs yet/);
  const taskId = await newShell(t);
  await t.waitFor(tileOf(taskId), 'the new pane');
  t.keys('Enter');
  await t.waitFor(/PANE: keys go to the task/);
  return taskId;
}

async function screenOf(root: string, taskId: string): Promise<ScreenText> {
  const client = await DaemonClient.connect(workspacePaths(root).socket);
  try {
    return await client.request<ScreenText>('screen', { task_id: taskId });
  } finally {
    client.close();
  }
}

// Each flow starts real processes (tmux, the UI, a daemon, shells) on a shared machine: room beyond the default.
describe('lacp-tui under tmux', { timeout: 120_000 }, () => {
  it('starts the daemon, shows the run tree and events, opens help, quits leaving the terminal restored', async () => {
    const { ws, tui } = open();
    tui.start();
    await tui.waitFor(/no runs yet/);
    const { taskId } = await ws.run(['sh', '--prompt', 'echo from-batch', '--wait']);
    await tui.waitFor(new RegExp(`✔ ${taskId} sh`), 'the finished task in the run tree');
    await tui.waitFor(/task_completed\s+t-\w+ sh/);
    tui.keys('?');
    const help = await tui.waitFor(/keys \(any key closes\)/);
    expect(help).toMatch(/Ctrl-a\s+leave the pane/);
    expect(help).toMatch(/z\s+zoom the selected pane/);
    tui.keys('Escape');
    await tui.waitFor((s) => !s.includes('any key closes'), 'help to close');
    tui.keys('q');
    const exit = await tui.waitExit();
    expect(exit).toMatchObject({ status: 0, alternate: false, mouse: false });
    expect(tui.screen()).not.toMatch(/┌─ runs/);
    // q leaves the daemon running
    expect((await ws.lacp(['daemon', 'status'])).exitCode).toBe(0);
  });

  it('spawns a shell with n, types into its pane, zooms, survives a restart with the screen intact', async () => {
    const { tui } = open();
    const taskId = await typingIntoNewShell(tui);
    tui.type("echo marker-$((6*7))");
    tui.keys('Enter');
    await tui.waitFor(/marker-42/, 'the echo in the pane');
    tui.keys('C-a');
    await tui.waitFor(/CONTROL/);

    tui.keys('z');
    await tui.waitFor((s) => s.split('\n')[0]!.startsWith(`┌─ ${taskId} shell`) && !s.includes('┌─ runs'), 'the zoomed pane');
    tui.keys('z');
    await tui.waitFor(/┌─ runs/);

    tui.keys('q');
    expect((await tui.waitExit()).status).toBe(0);
    tui.start();
    const again = await tui.waitFor(/marker-42/, 'the pane restored from the snapshot');
    expect(again).toMatch(tileOf(taskId));
    expect(again).toMatch(new RegExp(`▶ ${taskId} shell`));
  });

  it('draws CJK and emoji in a pane two columns wide, the right border of the tile in place on their rows', async () => {
    const { tui } = open();
    const taskId = await typingIntoNewShell(tui);
    // Octal escapes: what reaches the pane is the shell's output, whatever the input path does.
    tui.type("clear; printf 'x\\344\\270\\255\\346\\226\\207y\\np\\360\\237\\230\\200q\\n'");
    tui.keys('Enter');
    const screen = await tui.waitFor((s) => s.includes('x中文y') && s.includes('p😀q'), 'the wide chars in the pane');
    const rows = screen.split('\n');
    const top = rows.find((l) => tileOf(taskId).test(l))!;
    // The tile's right edge: the first ┐ after its label, in display columns.
    const label = top.indexOf(`┌─ ${taskId} shell`);
    const edge = displayWidth(top.slice(0, top.indexOf('┐', label)));
    for (const text of ['x中文y', 'p😀q']) {
      const row = rows.find((l) => l.includes(text))!;
      expect(charAtColumn(row, edge), `${text} row: ${row}`).toBe('│');
    }
    tui.keys('C-a');
    await tui.waitFor(/CONTROL/);
    tui.keys('q');
    await tui.waitExit();
  });

  it('tiles two panes side by side; Tab and Shift-Tab move the selection between them', async () => {
    const { ws, tui } = open();
    const first = (await ws.run(['shell'])).taskId;
    const second = (await ws.run(['shell'])).taskId;
    tui.start();
    // Both tiles on the same rows, the first left of the second.
    const screen = await tui.waitFor((s) => s.split('\n').some((l) => l.indexOf(`┌─ ${first} shell`) >= 0 && l.indexOf(`┌─ ${second} shell`) > l.indexOf(`┌─ ${first} shell`)), 'two tiles side by side');
    expect(screen).toMatch(tileOf(second));
    tui.keys('Tab');
    await tui.waitFor(new RegExp(`CONTROL\\s+▶ ${first} running`), 'the first pane selected');
    tui.keys('Tab');
    await tui.waitFor(new RegExp(`CONTROL\\s+▶ ${second} running`), 'the second pane selected');
    tui.keys('BTab');
    await tui.waitFor(new RegExp(`CONTROL\\s+▶ ${first} running`), 'Shift-Tab back to the first');
    tui.keys('q');
    await tui.waitExit();
  });

  it('the grid shows the page of the selected pane (restored, or moved to with j/k), and Enter types into the pane on screen', async () => {
    const { ws, tui } = open('version: 1\ndefaults:\n  max_parallel: 12\n'); // ten shells at once, none queued
    const ids: string[] = [];
    for (let i = 1; i <= 10; i++) ids.push((await ws.run(['shell', '--title', `p${i}`])).taskId);
    const [first, ninth, tenth] = [ids[0]!, ids[8]!, ids[9]!];
    const status = (s: string) => s.split('\n').find((l) => l.includes('CONTROL') || l.includes('PANE:')) ?? '';
    tui.start();
    // The restored selection is the newest task: its page (the tenth pane, alone on page 2) shows.
    await tui.waitFor((s) => /page 2\/2/.test(status(s)) && status(s).includes(tenth) && tileOf(tenth).test(s) && !tileOf(first).test(s), 'page 2 with the selected tenth pane');
    tui.keys('k');
    await tui.waitFor((s) => /page 1\/2/.test(status(s)) && status(s).includes(ninth) && tileOf(first).test(s) && !tileOf(tenth).test(s), 'k: the ninth pane and page 1');
    tui.keys('j');
    await tui.waitFor((s) => /page 2\/2/.test(status(s)) && status(s).includes(tenth) && tileOf(tenth).test(s), 'j: the tenth pane and page 2 again');
    tui.keys('Enter');
    await tui.waitFor(/PANE: keys go to the task/);
    tui.type('echo VISIBLE-$((6*7))');
    tui.keys('Enter');
    await tui.waitFor(/VISIBLE-42/, 'the echo in the pane on screen');
    expect((await screenOf(tui.workspace, tenth)).lines.join('\n')).toContain('VISIBLE-42');
    tui.keys('C-a');
    await tui.waitFor(/CONTROL/);
    tui.keys('q');
    await tui.waitExit();
  });

  it('a preset that remaps leave and quit: the new key leaves the pane, the old one reaches the task, the status line names them', async () => {
    const { ws, tui } = open();
    const taskId = (await ws.run(['shell'])).taskId;
    mkdirSync(join(ws.root, 'panes'), { recursive: true });
    writeFileSync(join(ws.root, 'panes', 'remap.yaml'), `${readFileSync(join(REPO, 'panes', 'default.yaml'), 'utf8')}keys:\n  leave: [C-b]\n  quit: [x]\n`);
    tui.start(['--layout', 'remap']);
    await tui.waitFor((s) => tileOf(taskId).test(s) && /\? help\s+: commands\s+x quit/.test(s), 'the remapped quit key on the status line');
    tui.keys('Enter');
    await tui.waitFor(/PANE: keys go to the task, Ctrl-b leaves/);
    // Ctrl-a is the shell's now (readline: start of line), so the second command lands before the first.
    tui.type('echo B-$((2+3))');
    tui.keys('C-a');
    tui.type('echo A-$((1+1)); ');
    tui.keys('Enter');
    await tui.waitFor((s) => /A-2\s/.test(s) && /B-5\s/.test(s), 'both echoes: the shell got Ctrl-a');
    const lines = (await screenOf(tui.workspace, taskId)).lines;
    expect(lines.indexOf('A-2')).toBeGreaterThan(-1);
    expect(lines.indexOf('B-5')).toBe(lines.indexOf('A-2') + 1);
    expect(tui.screen()).toMatch(/PANE: keys go to the task/);
    tui.keys('C-b');
    await tui.waitFor(/CONTROL/);
    tui.keys('x');
    expect((await tui.waitExit()).status).toBe(0);
  });

  it('a click whose press and release arrive in one read selects a pane; the wheel scrolls it back and forth', async () => {
    const { ws, tui } = open();
    const first = (await ws.run(['shell'])).taskId;
    const second = (await ws.run(['shell'])).taskId;
    tui.start();
    const screen = await tui.waitFor((s) => s.includes(`┌─ ${first} shell`) && s.includes(`┌─ ${second} shell`), 'both tiles');
    await tui.waitFor(new RegExp(`CONTROL\\s+▶ ${second}`), 'the newest pane selected');
    // 1-based cell inside the first tile, a few rows below its top border.
    const rows = screen.split('\n');
    const top = rows.findIndex((l) => l.includes(`┌─ ${first} shell`));
    const col = [...rows[top]!].join('').indexOf(`┌─ ${first} shell`) + 5;
    const at = `${col + 1};${top + 4}`;
    tui.type(`\x1b[<0;${at}M\x1b[<0;${at}m`);
    await tui.waitFor(new RegExp(`CONTROL\\s+▶ ${first}`), 'the clicked pane selected');

    await ws.lacp(['send', first, 'seq 1 200\\r']);
    // The first tile's rows, cut to its columns.
    const tileRows = (s: string) => s.split('\n').slice(top + 1, top + 30).map((l) => [...l].slice(col - 4, col + 20).join(''));
    const firstNumber = (s: string) => Number(/^\D*(\d+)/.exec(tileRows(s)[0] ?? '')?.[1] ?? NaN);
    const settled = await tui.waitFor((s) => tileRows(s).some((r) => /^\s*200\s*$/.test(r)) && Number.isFinite(firstNumber(s)), 'seq 1 200 in the first tile');
    const before = firstNumber(settled);
    tui.type(`\x1b[<64;${at}M\x1b[<64;${at}M`); // two wheel-ups in one read: 3 lines each
    await tui.waitFor((s) => firstNumber(s) === before - 6, `the tile scrolled back 6 lines from ${before}`);
    tui.type(`\x1b[<65;${at}M`);
    await tui.waitFor((s) => firstNumber(s) === before - 3, 'and forward 3');
    tui.keys('q');
    await tui.waitExit();
  });

  it('scrolls a pane no further than its history; the pane ending gives the keys back with its exit code', async () => {
    const { ws, tui } = open();
    const taskId = (await ws.run(['shell'])).taskId;
    tui.start();
    await tui.waitFor(new RegExp(`CONTROL\\s+▶ ${taskId}`), 'the pane selected');
    await ws.lacp(['send', taskId, 'seq 1 210\\r']);
    await tui.waitFor(/│210\s/, 'seq 1 210 in the tile');
    const title = (s: string) => Number(new RegExp(`┌─ ${taskId} shell ↑(\\d+)`).exec(s)?.[1] ?? 0);
    // `?` after the 60 presses: once help shows, every K before it has been handled.
    tui.keys(...Array<string>(60).fill('K'), '?');
    await tui.waitFor(/keys \(any key closes\)/);
    tui.keys('Escape');
    // 60 presses of 5 lines would be 300: the history the terminal holds is less (about 210 lines minus the tile's rows).
    const top = title(await tui.waitFor((s) => !s.includes('any key closes') && title(s) > 0, 'help closed, the pane scrolled'));
    expect(top).toBeGreaterThan(150);
    expect(top).toBeLessThan(210);
    tui.keys('J');
    await tui.waitFor((s) => title(s) === top - 5, `one J to move down from ↑${top} at once`);
    tui.keys(...Array<string>(45).fill('J'));
    await tui.waitFor((s) => s.includes(`┌─ ${taskId} shell`) && title(s) === 0, 'back at the bottom');

    tui.keys('Enter');
    await tui.waitFor(/PANE: keys go to the task/);
    tui.type('exit 3');
    tui.keys('Enter');
    const ended = await tui.waitFor(new RegExp(`CONTROL .*${taskId} exited 3`), 'CONTROL again with the exit code');
    expect(ended).not.toMatch(/PANE: keys go to the task/);
    // The next key is a command at once: k moves the selection from the task to its run.
    tui.keys('k');
    await tui.waitFor((s) => { const status = s.split('\n').find((l) => l.includes('CONTROL')) ?? ''; return !status.includes(taskId); }, 'k to select the run');
    tui.keys('q');
    await tui.waitExit();
  });

  it('a submit the daemon refuses keeps the new-task form open with the error in it, logged as one line', async () => {
    const { ws, tui } = open(GREET_TOOLS);
    tui.start();
    await tui.waitFor(/no runs yet/);
    tui.keys('n');
    await tui.waitFor(/new task: pick a tool/);
    tui.keys('j', 'j', 'Enter'); // shell, sh, then greet
    await tui.waitFor(/new task: greet/);
    tui.type('hi');
    tui.keys('Enter');
    tui.type('nosuch=1');
    tui.keys('Enter');
    const form = await tui.waitFor(/--set nosuch: no such variable \(declared under vars: greeting\)/, 'the refusal in the form');
    expect(form).toMatch(/new task: greet/);
    expect(form).toMatch(/prompt:\s+hi/);
    // Fix the variable in place and submit again: the prompt was kept.
    tui.keys('C-u');
    tui.type('greeting=yo');
    tui.keys('Enter');
    await tui.waitFor(/started t-\w+/, 'the corrected task started');
    await tui.waitFor((s) => !s.includes('new task: greet'), 'the form closed');
    const log = readFileSync(join(workspacePaths(ws.root).stateDir, 'tui.log'), 'utf8').split('\n').filter((l) => l.includes('nosuch'));
    expect(log).toHaveLength(1);
    expect(log[0]).toMatch(/submit greet: refused: --set nosuch: no such variable/);
    tui.keys('q');
    await tui.waitExit();
  });

  it('follows a host resize: regions re-laid out and the pane PTY resized', async () => {
    const { tui } = open();
    tui.start();
    await tui.waitFor(/no runs yet/);
    const taskId = await newShell(tui);
    await tui.waitFor(tileOf(taskId));
    const before = await screenOf(tui.workspace, taskId);
    tui.resize(120, 40);
    await tui.waitFor((s) => s.split('\n').length <= 41 && /^└─+┘$/.test(s.split('\n')[38] ?? ''), 'the event log bottom border on row 39 of 40');
    const deadline = Date.now() + 10_000;
    let after = before;
    while (Date.now() < deadline && after.cols === before.cols) after = await screenOf(tui.workspace, taskId);
    expect(after.cols).toBeLessThan(before.cols);
    expect(after.rows).toBeLessThan(before.rows);
  });

  it('cancels the selected task after asking', async () => {
    const { ws, tui } = open(GATED_TOOLS);
    const { taskId } = await ws.run(['slow']);
    tui.start();
    await tui.waitFor(new RegExp(`▶ ${taskId} slow`));
    tui.keys('c');
    await tui.waitFor(new RegExp(`cancel ${taskId} \\(slow\\)\\?`));
    tui.keys('y');
    await tui.waitFor(new RegExp(`⊘ ${taskId} slow`), 'the cancelled task');
    await tui.waitFor(/cancel_requested/);
    tui.keys('q');
    await tui.waitExit();
  });

  it("shows a batch task's log, scrolls it back with PgUp and follows it again with End", async () => {
    const { ws, tui } = open(LOG_TOOLS);
    const { taskId } = await ws.run(['rows', '--wait']);
    tui.start();
    await tui.waitFor(new RegExp(`✔ ${taskId} rows`));
    tui.keys('Enter');
    await tui.waitFor(/row 300\b/, 'the newest line in the log view');
    tui.keys('PageUp');
    // The whole condition in one capture: a capture can land in the middle of drawing a frame.
    await tui.waitFor((s) => s.includes('scrolled back') && !/row 300\b/.test(s) && /row 2\d\d\b/.test(s), 'the log scrolled back a page');
    tui.keys('Home');
    // The first line at the top of the box: the row under its top border.
    await tui.waitFor((s) => { const rows = s.split('\n'); const top = rows.findIndex((l) => l.includes('output of')); return top >= 0 && /│row 1\s/.test(rows[top + 1] ?? ''); }, 'Home: row 1 at the top');
    tui.keys('End');
    await tui.waitFor((s) => /row 300\b/.test(s) && !s.includes('scrolled back'), 'the log following again');
    tui.keys('Escape');
    await tui.waitFor((s) => !s.includes('output of'), 'the log view to close');
    tui.keys('q');
    await tui.waitExit();
  });

  it('approves a checkpoint with a', async () => {
    const { ws, tui } = open(GATED_TOOLS);
    const { taskId } = await ws.run(['gated']);
    tui.start();
    await tui.waitFor(new RegExp(`◆ ${taskId} gated`), 'the task waiting at its checkpoint');
    tui.keys('a');
    await tui.waitFor(new RegExp(`✔ ${taskId} gated`), 'the approved task finished');
    await tui.waitFor(/checkpoint_resolved/);
    tui.keys('Enter');
    await tui.waitFor(/gate-passed/, 'its output in the log view');
    tui.keys('Escape');
    await tui.waitFor((s) => !s.includes('output of'), 'the log view to close');
    tui.keys('Q');
    expect((await tui.waitExit()).status).toBe(0);
    expect((await ws.lacp(['daemon', 'status'])).exitCode).not.toBe(0);
  });

  it('restores the terminal when killed with SIGTERM in the middle of an overlay', async () => {
    const { tui } = open();
    tui.start(['--layout', 'focus']);
    await tui.waitFor(/no runs yet/);
    tui.keys('?');
    await tui.waitFor(/keys \(any key closes\)/);
    expect(tui.modes()).toEqual({ alternate: true, mouse: true });
    process.kill(tui.uiPid(), 'SIGTERM');
    expect(await tui.waitExit()).toMatchObject({ status: 143, alternate: false, mouse: false });
  });

  it('exits with status 3 and one line when the daemon stops under it, leaving the terminal restored', async () => {
    const { ws, tui } = open();
    tui.start();
    await tui.waitFor(/no runs yet/);
    expect((await ws.lacp(['daemon', 'stop'])).exitCode).toBe(0);
    expect(await tui.waitExit()).toEqual({ status: 3, alternate: false, mouse: false });
    expect(tui.screen()).toMatch(/lacp-tui: the workspace daemon went away \(see .*daemon\.log\)/);
  });

  it('--mirror asks the daemon for the browser mirror and shows its URL', async () => {
    const { tui } = open();
    tui.start(['--mirror']);
    const screen = await tui.waitFor(/mirror: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/, 'the mirror URL on the status line');
    const url = /mirror: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(screen)![1]!;
    expect((await fetch(url)).status).toBe(200);
    tui.keys('q');
    expect((await tui.waitExit()).status).toBe(0);
  });

  it('rejects a bad layout with one line and exit 2', async () => {
    const { tui } = open();
    tui.start(['--layout', 'nope']);
    const exit = await tui.waitExit();
    expect(exit.status).toBe(2);
    expect(tui.screen()).toMatch(/lacp-tui: unknown layout 'nope' \(available: default, focus, grid\)/);
  });
});
