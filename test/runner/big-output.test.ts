import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES, TestWorkspace } from '../helpers/workspace.js';
import { completionOf, daemonPid, disposeChecked, validateWorkspaceFiles } from '../helpers/runner-checks.js';

const MEGABYTES = 200;
/** Generous: the daemon idles near 60-80 MB; buffering the output would need 200+ MB more. */
const RSS_BOUND_KB = 300 * 1024;

const ws = new TestWorkspace(`
version: 1
tools:
  flood:
    cmd: ["node", "${FIXTURES}/print-bytes.js", "${MEGABYTES}"]
`);
afterAll(async () => {
  validateWorkspaceFiles(ws.root);
  await disposeChecked(ws);
});

function rssKb(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

describe('output is streamed to the files', () => {
  it(`${MEGABYTES} MB of stdout: all of it in stdout.log, the daemon's memory stays flat`, async () => {
    expect((await ws.lacp(['daemon', 'start'])).exitCode).toBe(0);
    const pid = daemonPid(ws)!;
    const before = rssKb(pid);
    let peak = before;
    let done = false;
    const sampler = (async () => {
      while (!done) {
        peak = Math.max(peak, rssKb(pid));
        await delay(25);
      }
    })();
    const { runId, taskId, result } = await ws.run(['flood', '--wait']);
    done = true;
    await sampler;
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(completionOf(ws.events(), taskId).status).toBe('succeeded');
    expect(statSync(join(ws.runs.taskDir(runId, taskId), 'stdout.log')).size).toBe(MEGABYTES * (1 << 20));
    expect(peak, `daemon RSS ${before} kB before, ${peak} kB at peak`).toBeLessThan(RSS_BOUND_KB);
  });
});
