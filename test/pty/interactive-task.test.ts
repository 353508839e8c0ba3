import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DaemonClient } from '../../src/client/daemon-client.js';
import { ScreenFollower } from '../../src/client/screen-follower.js';
import { workspacePaths } from '../../src/workspace/workspace-paths.js';
import { completionOf, disposeChecked, validateWorkspaceFiles, waitFor } from '../helpers/runner-checks.js';
import { TestWorkspace } from '../helpers/workspace.js';

const TOOLS = `version: 1
defaults:
  kill_grace_sec: 0.3
tools:
  bash:
    mode: interactive
    cmd: ["bash", "--norc", "--noprofile", "-i"]
    env: { PS1: "$ " }
    interrupt_keys: ["\\x03"]
  burst:
    mode: interactive
    cmd: ["node", "-e", "process.stdout.write('x'.repeat(20479) + 'Z')"]
  split:
    mode: interactive
    cmd: ["node", "-e", "const b = Buffer.from('中文 ok'); process.stdout.write(b.subarray(0, 2)); setTimeout(() => process.stdout.write(b.subarray(2)), 200); setTimeout(() => 0, 60000)"]
`;

let ws: TestWorkspace;
afterEach(async () => {
  if (ws) await disposeChecked(ws);
});

async function screen(taskId: string): Promise<string> {
  const r = await ws.lacp(['screen', taskId]);
  expect(r.exitCode, String(r.stderr)).toBe(0);
  return String(r.stdout);
}

async function follow(taskId: string, cols: number | null = null, rows: number | null = null) {
  const client = await DaemonClient.connect(workspacePaths(ws.root).socket);
  let changes = 0;
  const follower = await ScreenFollower.start(client, {
    taskId,
    mode: 'control',
    cols,
    rows,
    scrollback: 100,
    onChange: () => changes++,
    onExit: () => undefined,
  });
  const text = () => {
    const buf = follower.terminal.buffer.active;
    const lines: string[] = [];
    for (let y = 0; y < buf.length; y++) lines.push(buf.getLine(y)?.translateToString(true) ?? '');
    return lines.join('\n');
  };
  return { client, follower, text, changes: () => changes };
}

describe('interactive tasks', () => {
  it('runs a shell in a PTY: typed input reaches it and its screen reads back', async () => {
    ws = new TestWorkspace(TOOLS);
    const { taskId, result } = await ws.run(['bash']);
    expect(result.exitCode).toBe(0);
    const sent = await ws.lacp(['send', taskId, 'echo "sum=$((40+2))" $TERM $COLORTERM\\r']);
    expect(sent.exitCode, String(sent.stderr)).toBe(0);
    const text = await waitFor('the echo on screen', async () => {
      const s = await screen(taskId);
      return s.includes('sum=42 xterm-256color truecolor') && s;
    });
    expect(text).toContain('sum=42');
    await ws.lacp(['send', taskId, 'exit 7\\r']);
    await waitFor('the task to end', () => ws.taskEvents(taskId).some((e) => e.event === 'task_completed'));
    expect(completionOf(ws.events(), taskId).exit_code).toBe(7);
  });

  it('the builtin shell tool starts the login shell even when the daemon has no SHELL (cron, CI)', async () => {
    ws = new TestWorkspace(TOOLS);
    // An undefined value removes SHELL from the environment the CLI, and so the daemon, inherit.
    const started = await ws.lacp(['run', 'shell'], { env: { SHELL: undefined } });
    expect(started.exitCode, String(started.stderr)).toBe(0);
    const taskId = String(started.stdout).split(' ')[1]!.trim();
    await ws.lacp(['send', taskId, 'echo "shell=$SHELL" answer=$((6*7))\\r']);
    const text = await waitFor('the login shell answering', async () => {
      const s = await screen(taskId);
      return s.includes('answer=42') && s;
    });
    expect(text).toMatch(/shell=\/\S+/);
    await ws.lacp(['send', taskId, 'exit 3\\r']);
    await waitFor('the task to end', () => ws.taskEvents(taskId).some((e) => e.event === 'task_completed'));
    expect(completionOf(ws.events(), taskId).exit_code).toBe(3);
  });

  it('attach after output: the snapshot shows it; detach and re-attach; resize reaches the program', async () => {
    ws = new TestWorkspace(TOOLS);
    const { taskId } = await ws.run(['bash']);
    await ws.lacp(['send', taskId, 'echo before-attach\\r']);
    await waitFor('output before attaching', async () => (await screen(taskId)).includes('before-attach'));

    const first = await follow(taskId);
    await waitFor('the snapshot', () => first.text().includes('before-attach'));
    first.follower.dispose();
    first.client.close();

    const second = await follow(taskId, 97, 30);
    await waitFor('the snapshot again', () => second.text().includes('before-attach'));
    second.follower.input('tput cols; tput lines\r');
    await waitFor('the new size, seen by the program', () => /\n97\n30\n/.test(second.text()) || undefined);
    second.follower.dispose();
    second.client.close();
  });

  it('cancel sends interrupt keys, then SIGINT, SIGTERM, SIGKILL to the whole session, job-control children too', async () => {
    ws = new TestWorkspace(TOOLS);
    const { taskId } = await ws.run(['bash']);
    // A background job has its own process group in the PTY's session; an interactive bash ignores INT and TERM.
    await ws.lacp(['send', taskId, 'sleep 1000 & echo "bg=$!"\\r']);
    const bgPid = Number(await waitFor('the job pid', async () => /bg=(\d+)/.exec(await screen(taskId))?.[1]));
    const cancel = await ws.lacp(['cancel', taskId]);
    expect(cancel.exitCode, String(cancel.stderr)).toBe(0);
    const signals = ws.taskEvents(taskId).flatMap((e) => (e.event === 'signal_sent' ? [e.signal] : []));
    expect(signals).toEqual(['interrupt_keys', 'SIGINT', 'SIGTERM', 'SIGKILL']);
    expect(completionOf(ws.events(), taskId).status).toBe('cancelled');
    expect(() => process.kill(bgPid, 0)).toThrow();
  });

  it('a task that prints 20 KB and exits loses no tail byte, many times; the cast is asciicast v2 of the same bytes', async () => {
    ws = new TestWorkspace(TOOLS);
    const ids: string[] = [];
    for (let i = 0; i < 15; i++) ids.push((await ws.run(['burst'])).taskId);
    await waitFor('all bursts to end', () => ids.every((id) => ws.taskEvents(id).some((e) => e.event === 'task_completed')), 30_000);
    const runId = ws.runs.newest()!;
    for (const id of ids) {
      const dir = ws.runs.taskDir(runId, id);
      const log = readFileSync(join(dir, 'stdout.log'), 'utf8');
      expect(log.length).toBe(20480);
      expect(log.endsWith('Z')).toBe(true);
      const [header, ...lines] = readFileSync(join(dir, 'session.cast'), 'utf8').trimEnd().split('\n');
      expect(JSON.parse(header!)).toMatchObject({ version: 2, width: 80, height: 24 });
      let last = 0;
      let output = '';
      for (const line of lines) {
        const [t, type, data] = JSON.parse(line) as [number, string, string];
        expect(t).toBeGreaterThanOrEqual(last);
        expect(['o', 'r', 'm']).toContain(type);
        last = t;
        if (type === 'o') output += data;
      }
      expect(output).toBe(log);
      expect(JSON.parse(lines.at(-1)!)).toEqual([expect.any(Number), 'm', 'exit 0']);
    }
    validateWorkspaceFiles(ws.root);
  });

  it('a character whose bytes arrive in two reads stays whole: on the screen, in stdout.log and in the cast', async () => {
    ws = new TestWorkspace(TOOLS);
    const { taskId } = await ws.run(['split']);
    await waitFor('the whole text on the screen', async () => (await screen(taskId)).includes('中文 ok'), 15_000);
    await ws.lacp(['cancel', taskId]);
    await waitFor('the task to end', () => ws.taskEvents(taskId).some((e) => e.event === 'task_completed'), 15_000);
    const dir = ws.runs.taskDir(ws.runs.newest()!, taskId);
    expect(readFileSync(join(dir, 'stdout.log'), 'utf8')).toBe('中文 ok');
    const casted = readFileSync(join(dir, 'session.cast'), 'utf8').trimEnd().split('\n').slice(1).map((l) => JSON.parse(l) as [number, string, string]);
    expect(casted.filter(([, type]) => type === 'o').map(([, , data]) => data).join('')).toBe('中文 ok');
  });

  it('scripts get one clear line for misuse: batch task has no screen, bad escape, unknown task', async () => {
    ws = new TestWorkspace('version: 1\ntools: {}\n');
    const { taskId } = await ws.run(['sh', '--prompt', 'true', '--wait']);
    const batch = await ws.lacp(['screen', taskId]);
    expect(batch.exitCode).toBe(2);
    expect(String(batch.stderr)).toMatch(/^lacp: task \S+ is a batch task: it has no screen/);
    const bad = await ws.lacp(['send', taskId, 'oops\\q']);
    expect(bad.exitCode).toBe(2);
    expect(String(bad.stderr).trim().split('\n')).toHaveLength(1);
    const missing = await ws.lacp(['screen', 't-nosuchtask']);
    expect(missing.exitCode).toBe(2);
  });
});
