import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { DaemonClient } from '../../src/client/daemon-client.js';
import type { AttachResult, ScreenPush, ScreenText } from '../../src/core/protocol.js';
import { workspacePaths } from '../../src/workspace/workspace-paths.js';
import { daemonPid, disposeChecked, waitFor } from '../helpers/runner-checks.js';
import { TestWorkspace } from '../helpers/workspace.js';

const TOOLS = `version: 1
tools:
  flood:
    mode: interactive
    cmd: ["yes", "flooding the terminal with a long line of text, again and again"]
  bash:
    mode: interactive
    cmd: ["bash", "--norc", "--noprofile", "-i"]
`;

/** Generous bound: a daemon that buffered an unacknowledged flood would pass it within seconds. */
const RSS_LIMIT_KB = 400 * 1024;

function rssKb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0);
}

let ws: TestWorkspace;
afterEach(async () => {
  if (ws) await disposeChecked(ws);
});

describe('flow control', () => {
  it('a flooding task with a client that never acknowledges: memory stays bounded, the client is dropped, other tasks still echo', async () => {
    ws = new TestWorkspace(TOOLS);
    const flood = (await ws.run(['flood'])).taskId;
    const shell = (await ws.run(['bash'])).taskId;
    const pid = daemonPid(ws)!;
    const stalled = await DaemonClient.connect(workspacePaths(ws.root).socket);
    const pushes: ScreenPush['kind'][] = [];
    let received = 0;
    const attached = await stalled.request<AttachResult>('attach', { task_id: flood, mode: 'control' });
    stalled.subscribeTo(attached.sub, (data) => {
      const push = data as ScreenPush;
      pushes.push(push.kind);
      if (push.kind === 'data') received += push.data.length; // never acknowledged
    });

    let peak = 0;
    const dropped = await waitFor('the stalled client to be dropped', () => {
      peak = Math.max(peak, rssKb(pid));
      return pushes.includes('dropped');
    }, 30_000);
    expect(dropped).toBe(true);
    // It got about a high watermark's worth, not the flood.
    expect(received).toBeLessThan(1_000_000);
    expect(peak).toBeLessThan(RSS_LIMIT_KB);

    // The daemon is not starved: input to another task echoes while the flood goes on.
    await ws.lacp(['send', shell, 'echo still-$((20+3))\\r']);
    await waitFor('the echo', async () => {
      const screen = await stalled.request<ScreenText>('screen', { task_id: shell });
      return screen.lines.some((l) => l.includes('still-23'));
    }, 30_000);
    // ...and the flood went on after the drop (the PTY was resumed).
    const before = (await stalled.request<ScreenText>('screen', { task_id: flood })).lines.join('');
    expect(before).toContain('flooding the terminal');
    peak = Math.max(peak, rssKb(pid));
    expect(peak).toBeLessThan(RSS_LIMIT_KB);
    stalled.close();
    await ws.lacp(['cancel', flood, shell]);
  });
});
