import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { LACP_BIN, TestWorkspace } from '../helpers/workspace.js';

/**
 * A daemon that accepts connections but never answers (SIGSTOP, or a hung event loop):
 * the kernel still queues connections for it, so only a deadline on the handshake keeps
 * every command from hanging. The deadline is shortened through its environment override.
 */
const HANDSHAKE_MS = 500;
const env = { LACP_HANDSHAKE_TIMEOUT_MS: String(HANDSHAKE_MS) };
const ws = new TestWorkspace();
let stoppedPid: number | null = null;

/** `lacp ARGS` with the short deadline; execa's timeout only turns a regression (a hang) into a failure. */
function lacp(args: string[]) {
  return execa(process.execPath, [LACP_BIN, ...args], { cwd: ws.root, env: { LACP_WORKSPACE: ws.root, ...env }, reject: false, timeout: 20_000 });
}

afterAll(async () => {
  if (stoppedPid !== null) process.kill(stoppedPid, 'SIGCONT');
  await ws.dispose();
});

describe('a daemon that does not answer', () => {
  it('makes status and run fail in one line with exit 3 instead of hanging; requests that block by design still wait', async () => {
    expect((await ws.lacp(['daemon', 'start'])).exitCode).toBe(0);
    const pid = Number.parseInt(readFileSync(join(ws.root, '.lacp', 'daemon.pid'), 'utf8'), 10);
    process.kill(pid, 'SIGSTOP');
    stoppedPid = pid;
    const line = new RegExp(`^lacp: the daemon \\(pid ${pid}\\) is not answering \\(stopped or hung\\) on .*daemon\\.sock; kill -CONT ${pid} if it was stopped, else kill -KILL ${pid}`);
    for (const args of [['daemon', 'status'], ['run', 'sh', '--prompt', 'echo hi'], ['daemon', 'stop']]) {
      const began = Date.now();
      const result = await lacp(args);
      const took = Date.now() - began;
      expect(result.exitCode, `${args.join(' ')}: ${String(result.stderr)}`).toBe(3);
      expect(String(result.stderr).trimEnd().split('\n')).toHaveLength(1);
      expect(String(result.stderr)).toMatch(line);
      expect(took).toBeGreaterThanOrEqual(HANDSHAKE_MS);
      expect(took).toBeLessThan(10_000);
    }
    process.kill(pid, 'SIGCONT');
    stoppedPid = null;
    const status = await lacp(['daemon', 'status']);
    expect(status.exitCode, String(status.stderr)).toBe(0);
    expect(String(status.stdout)).toContain(`pid ${pid}`);
    // `run --wait` blocks for the whole task, four times the handshake deadline here: only the handshake has one.
    const began = Date.now();
    const waited = await lacp(['run', 'sh', '--prompt', 'sleep 2', '--wait']);
    expect(waited.exitCode, String(waited.stderr)).toBe(0);
    expect(Date.now() - began).toBeGreaterThanOrEqual(2_000);
  }, 60_000);
});
