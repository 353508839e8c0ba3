import { execFileSync } from 'node:child_process';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { HeadlessScreen } from '../../src/pty/headless-screen.js';
import { RESTORE_TERMINAL } from '../../src/term/ansi-frame.js';
import { daemonPid, disposeChecked, waitFor } from '../helpers/runner-checks.js';
import { LACP_BIN, TestWorkspace } from '../helpers/workspace.js';

// An interactive bash ignores SIGINT and SIGTERM: a short grace keeps each cancel to a second.
const TOOLS = `version: 1
defaults:
  kill_grace_sec: 0.5
tools:
  bash:
    mode: interactive
    cmd: ["bash", "--norc", "--noprofile", "-i"]
    env: { PS1: "task$ " }
    max_parallel: 1 # a second bash task waits: attach refuses a queued task
  ok:
    cmd: ["true"]
`;

let ws: TestWorkspace;
let socket: string | null = null;

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', socket!, ...args], { encoding: 'utf8' });
}
const pane = () => tmux('capture-pane', '-p');

afterEach(async () => {
  if (socket) {
    try {
      tmux('kill-server');
    } catch {
      // already gone
    }
  }
  socket = null;
  if (ws) await disposeChecked(ws);
});

/** Starts `lacp attach TASK` in a tmux pane whose shell runs `before` first and then prints how attach exited. */
function attachInTmux(taskId: string, before = 'clear'): void {
  socket = `lacp-attach-${process.pid}-${Date.now()}`;
  tmux('new-session', '-d', '-x', '90', '-y', '25', `sh`);
  tmux('send-keys', `${before}; LACP_WORKSPACE=${ws.root} ${process.execPath} ${LACP_BIN} attach ${taskId}; echo "attach-exit=$?"`, 'Enter');
}

/** How long a refused or ended attach may take to exit before it counts as hanging. */
const EXIT_DEADLINE_MS = 15_000;

/**
 * Runs `lacp attach TASK` on a PTY of its own (script(1)), keeping every byte it writes
 * (stdout and stderr share the PTY) and its exit status; killed at the deadline.
 */
function attachOnPty(taskId: string) {
  const proc = execa('script', ['-qec', `${process.execPath} ${LACP_BIN} attach ${taskId}`, '/dev/null'], {
    env: { LACP_WORKSPACE: ws.root },
    reject: false,
    timeout: EXIT_DEADLINE_MS,
  });
  let seen = '';
  proc.stdout!.setEncoding('utf8');
  proc.stdout!.on('data', (chunk: string) => (seen += chunk));
  return { proc, seen: () => seen };
}

/** What attach wrote after it last left the alternate screen (the end of RESTORE_TERMINAL). */
function afterRestore(seen: string): string {
  const at = seen.lastIndexOf(LEAVE_ALT_SCREEN);
  return at < 0 ? `(never left the alternate screen) ${JSON.stringify(seen.slice(-200))}` : seen.slice(at + LEAVE_ALT_SCREEN.length);
}
const LEAVE_ALT_SCREEN = '\x1b[?1049l';

describe('lacp attach', () => {
  it('shows the screen, types into the task, follows the host size, and Ctrl-\\ detaches leaving it running', async () => {
    ws = new TestWorkspace(TOOLS);
    const { taskId } = await ws.run(['bash']);
    await ws.lacp(['send', taskId, 'echo from-before\\r']);
    attachInTmux(taskId);
    await waitFor('the snapshot on the host terminal', () => pane().includes('from-before'));
    tmux('send-keys', 'echo typed-$((2*21)); tput cols', 'Enter');
    await waitFor('the typed command to run in the task', () => /typed-42\s*\n90/.test(pane()));
    tmux('send-keys', 'C-\\');
    await waitFor('attach to detach and give the terminal back', () => pane().includes('attach-exit=0'));
    // The alternate screen was left: the host shell's screen no longer shows the task.
    expect(pane()).not.toContain('typed-42');
    const status = await ws.lacp(['ls', '--json']);
    const task = JSON.parse(String(status.stdout)).runs[0].tasks.find((t: { task_id: string }) => t.task_id === taskId);
    expect(task.status).toBe('running');
    await ws.lacp(['cancel', taskId]);
  });

  it('a terminal that reports no size (0x0) is taken as 80x24, not refused', async () => {
    ws = new TestWorkspace(TOOLS);
    const { taskId } = await ws.run(['bash']);
    // script(1) without a terminal of its own gives attach a PTY of size 0x0.
    const attach = execa('script', ['-qec', `${process.execPath} ${LACP_BIN} attach ${taskId}`, '/dev/null'], {
      env: { LACP_WORKSPACE: ws.root },
      reject: false,
    });
    // What attach draws is read the way a terminal would: parsed into a screen of the size it was given.
    const host = new HeadlessScreen(80, 24, 0);
    let seen = '';
    attach.stdout!.setEncoding('utf8'); // a character split across reads stays whole
    attach.stdout!.on('data', (chunk: string) => {
      seen += chunk;
      host.write(chunk);
    });
    const hostRows = () => host.text('attach').lines.map((line) => line.trim());
    await waitFor('the task prompt through attach', () => hostRows().some((r) => r.startsWith('task$')));
    attach.stdin!.write('tput cols; tput lines\r');
    await waitFor('the task to see 80 columns and 24 lines', () => {
      const rows = hostRows();
      const at = rows.indexOf('80');
      return at >= 0 && rows[at + 1] === '24';
    });
    attach.stdin!.write('\x1c');
    const result = await attach;
    expect(result.exitCode).toBe(0);
    expect(seen).toContain('detached; the task goes on');
    expect(seen).not.toContain('internal error');
    host.dispose();
    await ws.lacp(['cancel', taskId]);
  });

  it('ends with the task and restores the terminal; refuses to run without a terminal', async () => {
    ws = new TestWorkspace(TOOLS);
    const { taskId } = await ws.run(['bash']);
    attachInTmux(taskId);
    await waitFor('the task prompt', () => pane().includes('task$'));
    tmux('send-keys', 'exit 5', 'Enter');
    await waitFor('attach to end with the task', () => pane().includes('attach-exit=0'));
    expect(pane()).toMatch(/task \S+ ended \(exit 5\)/);
    // The frame due when the task ended was drawn before the terminal was given back, not after.
    expect(pane()).not.toContain('task$');
    const piped = await ws.lacp(['attach', taskId]);
    expect(piped.exitCode).toBe(2);
    expect(String(piped.stderr).trim()).toBe('lacp: lacp attach needs a terminal (scripts: lacp send and lacp screen)');
  });

  it('refuses an unknown, a queued and an ended batch task in one line, exit 2, and exits without touching the terminal', async () => {
    ws = new TestWorkspace(TOOLS);
    const { taskId: running } = await ws.run(['bash']);
    const { taskId: queued } = await ws.run(['bash']);
    const { taskId: batch } = await ws.run(['ok', '--wait']);
    const cases: [string, string][] = [
      ['nope', 'lacp: no task nope in this daemon (lacp ls --all lists tasks)'],
      [queued, `lacp: task ${queued} is queued: its terminal starts when the task does`],
      [batch, `lacp: task ${batch} `],
    ];
    for (const [taskId, line] of cases) {
      const attach = attachOnPty(taskId);
      const result = await attach.proc;
      expect(result.timedOut, `attach ${taskId} exits by itself`).toBe(false);
      expect(result.exitCode).toBe(2);
      const lines = attach.seen().split('\r\n').filter(Boolean);
      expect(lines).toHaveLength(1);
      expect(lines[0]!.startsWith(line), lines[0]).toBe(true);
      expect(attach.seen()).not.toContain('internal error');
      // Refused before the terminal was taken: no alternate screen, no raw mode to undo.
      expect(attach.seen()).not.toContain('\x1b[?1049h');
    }
    await ws.lacp(['cancel', running, queued]);
  });

  it('refuses a task that has ended, naming its exit code and lacp screen, and draws nothing over the shell', async () => {
    ws = new TestWorkspace(TOOLS);
    const { taskId } = await ws.run(['bash']);
    await ws.lacp(['send', taskId, 'echo one\\r']);
    await ws.lacp(['send', taskId, 'exit 4\\r']);
    await waitFor('the task to end', async () => {
      const status = await ws.lacp(['ls', '--json']);
      const task = JSON.parse(String(status.stdout)).runs[0].tasks.find((t: { task_id: string }) => t.task_id === taskId);
      return task.status !== 'running';
    });
    const screenSize = async () => {
      const screen = JSON.parse(String((await ws.lacp(['screen', taskId, '--json'])).stdout));
      return `${screen.cols}x${screen.rows}`;
    };
    const endedAt = await screenSize();
    attachInTmux(taskId, 'clear; seq 1 8');
    await waitFor('attach to exit', () => pane().includes('attach-exit='));
    const rows = pane().split('\n').map((r) => r.trimEnd());
    expect(rows.slice(0, 8)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8']);
    // The one line (wider than the 90-column pane, so it wraps), then the shell's.
    expect(rows.slice(8).join('')).toMatch(
      new RegExp(`^lacp: task ${taskId} has ended \\(failed, exit 4\\); its last screen: lacp screen ${taskId}attach-exit=2([$#] ?)?$`),
    );
    expect(pane()).not.toContain('task$');
    // Its last screen, as `lacp screen` shows it, was not reflowed to the 90x25 pane that asked.
    expect(endedAt).not.toBe('90x25');
    expect(await screenSize()).toBe(endedAt);
  });

  it('leaves the alternate screen last when the task ends: nothing is drawn after the terminal is given back', async () => {
    ws = new TestWorkspace(TOOLS);
    const { taskId } = await ws.run(['bash']);
    const attach = attachOnPty(taskId);
    await waitFor('the task prompt through attach', () => attach.seen().includes('task$'));
    // Output and the exit close together: a frame is due when the end arrives.
    attach.proc.stdin!.write('echo bye; exit 3\r');
    const result = await attach.proc;
    expect(result.timedOut).toBe(false);
    expect(result.exitCode).toBe(0);
    expect(afterRestore(attach.seen())).toBe(`[lacp: task ${taskId} ended (exit 3)]\r\n`);
  });

  it('exits 3 with the terminal given back when the daemon goes away', async () => {
    ws = new TestWorkspace(TOOLS);
    const { taskId } = await ws.run(['bash']);
    const attach = attachOnPty(taskId);
    await waitFor('the task prompt through attach', () => attach.seen().includes('task$'));
    const pid = daemonPid(ws);
    expect(pid).not.toBeNull();
    process.kill(pid!, 'SIGKILL');
    const result = await attach.proc;
    expect(result.timedOut).toBe(false);
    expect(result.exitCode).toBe(3);
    expect(attach.seen()).toContain(RESTORE_TERMINAL);
    expect(afterRestore(attach.seen())).toBe('[lacp: the daemon went away]\r\n');
  });
});
