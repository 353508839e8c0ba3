import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { disposeChecked, waitFor } from '../helpers/runner-checks.js';
import { LACP_BIN, TestWorkspace } from '../helpers/workspace.js';

const TOOLS = `
version: 1
tools:
  term:
    mode: interactive
    cmd: ["sh", "-c", "echo hello; exit 3"]
  batch:
    cmd: ["sh", "-c", "exit 4"]
  held:
    mode: interactive
    checkpoint: after
    cmd: ["sh", "-c", "echo hello; exit 5"]
`;

/** What `lacp ARGS` answered: exit code and its one line (stdout, else stderr). */
async function answer(ws: TestWorkspace, args: string[]): Promise<string> {
  const r = await ws.lacp(args);
  return `exit ${r.exitCode}: ${String(r.stdout || r.stderr).trim()}`;
}

/** `lacp attach TASK` on a PTY of its own (script(1)): its exit code and what it printed. */
async function attach(ws: TestWorkspace, taskId: string): Promise<string> {
  const r = await execa('script', ['-qec', `${process.execPath} ${LACP_BIN} attach ${taskId}`, '/dev/null'], {
    env: { LACP_WORKSPACE: ws.root },
    reject: false,
    timeout: 20_000,
  });
  return `exit ${r.exitCode}: ${String(r.stdout).trim()}`;
}

async function answers(ws: TestWorkspace, term: string, batch: string) {
  return {
    cancel: [await answer(ws, ['cancel', term]), await answer(ws, ['cancel', batch])],
    send: [await answer(ws, ['send', term, 'x']), await answer(ws, ['send', batch, 'x'])],
    approve: [await answer(ws, ['approve', term]), await answer(ws, ['approve', batch])],
    reject: [await answer(ws, ['reject', term]), await answer(ws, ['reject', batch])],
    screen: [await answer(ws, ['screen', batch])],
    attach: [await attach(ws, batch)],
  };
}

describe('requests about an ended task answer the same from the daemon that ran it and from a restarted one', () => {
  it('cancel, send, approve, reject, screen and attach: the ended-task wording with the outcome, before and after a restart', async () => {
    const ws = new TestWorkspace(TOOLS);
    try {
      const term = await ws.run(['term', '--wait']);
      expect(term.result.exitCode).toBe(3);
      const batch = await ws.run(['batch', '--wait']);
      expect(batch.result.exitCode).toBe(4);
      const [t, b] = [term.taskId, batch.taskId];

      const live = await answers(ws, t, b);
      expect(live).toEqual({
        cancel: [`exit 0: ${t} failed: exit 3`, `exit 0: ${b} failed: exit 4`],
        send: [`exit 2: lacp: task ${t} has ended (failed, exit 3): nothing to type into`, `exit 2: lacp: task ${b} is a batch task: it has no screen (lacp logs ${b} shows its output)`],
        approve: [`exit 2: lacp: task ${t} has ended (failed, exit 3): no checkpoint to resolve`, `exit 2: lacp: task ${b} has ended (failed, exit 4): no checkpoint to resolve`],
        reject: [`exit 2: lacp: task ${t} has ended (failed, exit 3): no checkpoint to resolve`, `exit 2: lacp: task ${b} has ended (failed, exit 4): no checkpoint to resolve`],
        screen: [`exit 2: lacp: task ${b} is a batch task: it has no screen (lacp logs ${b} shows its output)`],
        attach: [`exit 2: lacp: task ${b} is a batch task: it has no screen (lacp logs ${b} shows its output)`],
      });
      // The live daemon still holds the ended task's screen: attach points there.
      expect(await attach(ws, t)).toBe(`exit 2: lacp: task ${t} has ended (failed, exit 3); its last screen: lacp screen ${t}`);

      expect((await ws.lacp(['daemon', 'stop'])).exitCode).toBe(0);
      expect((await ws.lacp(['daemon', 'start'])).exitCode).toBe(0);
      expect(await answers(ws, t, b)).toEqual(live);
      // A restarted daemon has no screen of it: the same ended-task sentence, pointing at its output.
      expect(await attach(ws, t)).toBe(`exit 2: lacp: task ${t} has ended (failed, exit 3); its screen is no longer kept: lacp logs ${t} shows its output`);
      expect(await answer(ws, ['screen', t])).toBe(`exit 2: lacp: task ${t} has ended (failed, exit 3); its screen is no longer kept: lacp logs ${t} shows its output`);
    } finally {
      await disposeChecked(ws);
    }
  }, 120_000);

  it('attach of a task whose program exited but whose result waits at an after checkpoint is refused at once, not held until it is resolved', async () => {
    const ws = new TestWorkspace(TOOLS);
    try {
      const { taskId, result } = await ws.run(['held']);
      expect(result.exitCode).toBe(0);
      await waitFor('the result held at the checkpoint', () => ws.taskEvents(taskId).find((e) => e.event === 'checkpoint_required'));
      expect(await attach(ws, taskId)).toBe(
        `exit 2: lacp: task ${taskId} has exited (exit 5) and waits at its checkpoint (lacp approve / lacp reject); its last screen: lacp screen ${taskId}`,
      );
      expect((await ws.lacp(['approve', taskId])).exitCode).toBe(0);
      await waitFor('the task to end', () => ws.taskEvents(taskId).find((e) => e.event === 'task_completed'));
      expect(await attach(ws, taskId)).toBe(`exit 2: lacp: task ${taskId} has ended (failed, exit 5); its last screen: lacp screen ${taskId}`);
    } finally {
      await disposeChecked(ws);
    }
  });
});
