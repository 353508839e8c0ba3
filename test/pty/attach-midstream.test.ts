import xtermHeadless from '@xterm/headless';
import { afterEach, describe, expect, it } from 'vitest';
import { DaemonClient } from '../../src/client/daemon-client.js';
import { ScreenFollower } from '../../src/client/screen-follower.js';
import type { AttachResult, ScreenPush } from '../../src/core/protocol.js';
import { workspacePaths } from '../../src/workspace/workspace-paths.js';
import { disposeChecked, waitFor } from '../helpers/runner-checks.js';
import { TestWorkspace } from '../helpers/workspace.js';

/**
 * Numbered lines, 3 a millisecond tick, then the program waits to be told to end. Fewer
 * than a snapshot's scrollback, so every client can hold the whole output.
 */
const LINES = 900;
const TOOLS = `version: 1
tools:
  count:
    mode: interactive
    cmd: ["node", "-e", "let i = 0; const t = setInterval(() => { let s = ''; for (let k = 0; k < 3 && i < ${LINES}; k++) s += 'n' + ++i + '\\\\n'; process.stdout.write(s); if (i >= ${LINES}) { clearInterval(t); process.stdin.once('data', () => process.exit(0)); } }, 1)"]
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
});
