import { execFileSync } from 'node:child_process';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { HeadlessScreen } from '../../src/pty/headless-screen.js';
import { disposeChecked, waitFor } from '../helpers/runner-checks.js';
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

/** Starts `lacp attach TASK` in a tmux pane whose shell prints how attach exited. */
function attachInTmux(taskId: string): void {
  socket = `lacp-attach-${process.pid}-${Date.now()}`;
  tmux('new-session', '-d', '-x', '90', '-y', '25', `sh`);
  tmux('send-keys', `clear; LACP_WORKSPACE=${ws.root} ${process.execPath} ${LACP_BIN} attach ${taskId}; echo "attach-exit=$?"`, 'Enter');
}

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
    const piped = await ws.lacp(['attach', taskId]);
    expect(piped.exitCode).toBe(2);
    expect(String(piped.stderr).trim()).toBe('lacp: lacp attach needs a terminal (scripts: lacp send and lacp screen)');
  });
});
