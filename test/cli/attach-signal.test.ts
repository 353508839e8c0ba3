import { constants } from 'node:os';
import pty from 'node-pty';
import { afterEach, describe, expect, it } from 'vitest';
import { listPids, readProc } from '../../src/runner/proc-table.js';
import { RESTORE_TERMINAL } from '../../src/term/ansi-frame.js';
import { disposeChecked, waitFor } from '../helpers/runner-checks.js';
import { LACP_BIN, TestWorkspace } from '../helpers/workspace.js';

const TOOLS = `version: 1
defaults:
  kill_grace_sec: 0.5
tools:
  bash:
    mode: interactive
    cmd: ["bash", "--norc", "--noprofile", "-i"]
    env: { PS1: "task$ " }
`;

let ws: TestWorkspace | null = null;
let host: pty.IPty | null = null;
afterEach(async () => {
  host?.kill('SIGKILL');
  host = null;
  if (ws) await disposeChecked(ws);
  ws = null;
});

/**
 * `lacp attach TASK` on a real PTY, run by a shell that afterwards prints attach's exit
 * status and the terminal's modes (stty -a), so the test sees both what attach returned
 * and whether it gave the terminal back cooked (echo, icanon) as it found it.
 */
function attachOnPty(taskId: string) {
  const shell = pty.spawn('sh', ['-c', `${process.execPath} ${LACP_BIN} attach ${taskId}; echo "attach-exit=$?"; stty -a; echo done`], {
    name: 'xterm-256color',
    cols: 100,
    rows: 30,
    env: { ...process.env, LACP_WORKSPACE: ws!.root },
  });
  host = shell;
  let seen = '';
  shell.onData((chunk) => (seen += chunk));
  const lacpPid = () => listPids().find((pid) => readProc(pid)?.ppid === shell.pid);
  return { seen: () => seen, lacpPid };
}

describe('lacp attach ended by a signal to lacp itself', () => {
  for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
    it(`${signal}: exits 128+${constants.signals[signal]} as a shell reports it, with the terminal restored and the task left running`, async () => {
      ws = new TestWorkspace(TOOLS);
      const { taskId } = await ws.run(['bash']);
      const attach = attachOnPty(taskId);
      await waitFor('the task prompt through attach', () => attach.seen().includes('task$'));
      const pid = await waitFor('the attach process', attach.lacpPid);
      process.kill(pid, signal);
      await waitFor('attach to exit and the shell to report it', () => attach.seen().includes('done'));
      const seen = attach.seen();
      expect(seen).toContain(`attach-exit=${128 + constants.signals[signal]}`);
      const after = seen.slice(seen.lastIndexOf(RESTORE_TERMINAL));
      expect(after.startsWith(`${RESTORE_TERMINAL}[lacp: ${signal}, detached]`), JSON.stringify(after.slice(0, 200))).toBe(true);
      // Cooked again: stty lists echo and icanon without the '-' of a raw terminal.
      const modes = after.slice(after.indexOf('attach-exit='));
      expect(modes).toMatch(/(^|\s)icanon(\s|$)/m);
      expect(modes).toMatch(/(^|\s)echo(\s|$)/m);
      const ls = JSON.parse(String((await ws.lacp(['ls', '--json'])).stdout));
      expect(ls.runs[0].tasks.find((t: { task_id: string }) => t.task_id === taskId).status).toBe('running');
      await ws.lacp(['cancel', taskId]);
    });
  }
});
