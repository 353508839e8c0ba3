import { statSync } from 'node:fs';
import { join } from 'node:path';
import xtermHeadless from '@xterm/headless';
import { afterEach, describe, expect, it } from 'vitest';
import { DaemonClient } from '../../src/client/daemon-client.js';
import { ScreenFollower } from '../../src/client/screen-follower.js';
import type { AttachResult, ScreenPush, ScreenText } from '../../src/core/protocol.js';
import { workspacePaths } from '../../src/workspace/workspace-paths.js';
import { disposeChecked, waitFor } from '../helpers/runner-checks.js';
import { TestWorkspace } from '../helpers/workspace.js';

/**
 * Numbered lines, 3 a millisecond tick, then the program waits to be told to end. Fewer
 * than a snapshot's scrollback, so every client can hold the whole output.
 */
const LINES = 900;
/** A flood far longer than what the second test's client keeps: most of it scrolls out unseen. */
const FLOOD_LINES = 200_000;
const TOOLS = `version: 1
tools:
  count:
    mode: interactive
    cmd: ["node", "-e", "let i = 0; const t = setInterval(() => { let s = ''; for (let k = 0; k < 3 && i < ${LINES}; k++) s += 'n' + ++i + '\\\\n'; process.stdout.write(s); if (i >= ${LINES}) { clearInterval(t); process.stdin.once('data', () => process.exit(0)); } }, 1)"]
  flood:
    mode: interactive
    cmd: ["sh", "-c", "seq 1 ${FLOOD_LINES}; echo END; exec sleep 600"]
`;
const ATTACHES = 6;

let ws: TestWorkspace;
afterEach(async () => {
  if (ws) await disposeChecked(ws);
});

const { Terminal } = xtermHeadless;
type LocalTerminal = InstanceType<typeof Terminal>;

/**
 * A client as the protocol describes it: the snapshot into a fresh terminal, then the
 * pushes in order. (Subscribing only after the snapshot is written keeps pushes that
 * arrive in the same read as the attach result behind it.)
 */
async function attach(client: DaemonClient, taskId: string): Promise<LocalTerminal> {
  const result = await client.request<AttachResult>('attach', { task_id: taskId, mode: 'view', cols: null, rows: null, scrollback: 1000 });
  const terminal = new Terminal({ cols: result.cols, rows: result.rows, scrollback: 1000, allowProposedApi: true });
  terminal.write(result.snapshot);
  client.subscribeTo(result.sub, (data) => {
    const push = data as ScreenPush;
    if (push.kind !== 'data') return;
    terminal.write(push.data, () => void client.request('ack', { sub: result.sub, chars: push.data.length }).catch(() => undefined));
  });
  return terminal;
}

/** The numbered lines a terminal holds, top to bottom, once what it was given is parsed. */
async function numbers(terminal: LocalTerminal): Promise<number[]> {
  await new Promise<void>((resolve) => terminal.write('', resolve));
  const buf = terminal.buffer.active;
  const found: number[] = [];
  for (let y = 0; y < buf.length; y++) {
    const m = /^n(\d+)$/.exec(buf.getLine(y)?.translateToString(true) ?? '');
    if (m) found.push(Number(m[1]));
  }
  return found;
}

describe('attaching while a task prints', () => {
  it('a client attached mid-stream sees every line once, in order: the snapshot and the live stream meet without overlap or gap', async () => {
    ws = new TestWorkspace(TOOLS);
    const { taskId } = await ws.run(['count']);
    const client = await DaemonClient.connect(workspacePaths(ws.root).socket);
    const terminals: LocalTerminal[] = [];
    const followers: ScreenFollower[] = [];
    // Attach one client after another while the output flows: each meets the stream at another
    // point. Every other one is lacp's own ScreenFollower (what lacp-tui and lacp attach use).
    for (let i = 0; i < ATTACHES; i++) {
      if (i % 2 === 0) terminals.push(await attach(client, taskId));
      else {
        const follower = await ScreenFollower.start(client, { taskId, mode: 'view', cols: null, rows: null, scrollback: 1000, onChange: () => undefined, onExit: () => undefined });
        followers.push(follower);
        terminals.push(follower.terminal);
      }
    }
    await waitFor('the last line on every client', async () => (await Promise.all(terminals.map(numbers))).every((n) => n.at(-1) === LINES), 30_000);
    await ws.lacp(['send', taskId, 'x\\r']);
    await waitFor('the task to end', () => ws.taskEvents(taskId).some((e) => e.event === 'task_completed'), 30_000);

    const all = Array.from({ length: LINES }, (_, i) => i + 1);
    for (const terminal of terminals) expect(await numbers(terminal)).toEqual(all);
    for (const follower of followers) follower.dispose();
    for (const terminal of terminals) if (!followers.some((f) => f.terminal === terminal)) terminal.dispose();
    client.close();
  });

  it('a client keeping 50 lines of a flood gets the latest screen rather than the backlog, and ends with exactly the last lines', async () => {
    ws = new TestWorkspace(TOOLS);
    const { taskId } = await ws.run(['flood']);
    const client = await DaemonClient.connect(workspacePaths(ws.root).socket);
    let received = 0;
    const subscribe = client.subscribeTo.bind(client);
    client.subscribeTo = (sub, onData) =>
      subscribe(sub, (data) => {
        const push = data as ScreenPush;
        if (push.kind === 'data') received += push.data.length;
        onData(data);
      });
    const follower = await ScreenFollower.start(client, { taskId, mode: 'view', cols: null, rows: null, scrollback: 50, onChange: () => undefined, onExit: () => undefined });
    const lines = async () => {
      await new Promise<void>((resolve) => follower.feed.write('', resolve));
      const buf = follower.terminal.buffer.active;
      return Array.from({ length: buf.length }, (_, y) => buf.getLine(y)?.translateToString(true) ?? '');
    };
    await waitFor('END on the client', async () => (await lines()).includes('END'), 60_000);
    // 50 lines of scrollback and 24 rows: the last 72 numbers, END, and the row the cursor waits on.
    const expected = [...Array.from({ length: 72 }, (_, i) => String(FLOOD_LINES - 71 + i)), 'END', ''];
    expect(await lines()).toEqual(expected);
    const daemonScreen = await client.request<ScreenText>('screen', { task_id: taskId });
    expect(daemonScreen.lines).toEqual(expected.slice(-24));
    // The flood is ~1.3 MB; what reached this client is a small part of it.
    const log = statSync(join(ws.runs.taskDir(ws.runs.newest()!, taskId), 'stdout.log')).size;
    expect(received).toBeLessThan(log / 4);
    follower.dispose();
    client.close();
    await ws.lacp(['cancel', taskId]);
  });
});
