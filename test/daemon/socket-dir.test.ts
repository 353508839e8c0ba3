import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, renameSync, rmSync, chmodSync, symlinkSync, existsSync } from 'node:fs';
import { createServer, connect, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { LACP_BIN } from '../helpers/workspace.js';

/**
 * A workspace too deep for `.lacp/daemon.sock` gets its socket in the temp dir, where any
 * local user can create files: it must sit in a private per-user directory that every
 * client checks before connecting (another user could otherwise listen there first).
 * TMPDIR points at a directory of this test, so chmod-ing the socket directory never
 * touches the real one other lacp users on this machine share.
 */
const base = mkdtempSync(join(tmpdir(), 'lacp-sockbase-'));
const env = { TMPDIR: base, XDG_RUNTIME_DIR: '' };
const cleanups: (() => Promise<void> | void)[] = [];

function longWorkspace(): string {
  const root = join(mkdtempSync(join(tmpdir(), 'lacp-ws-')), 'w'.repeat(110));
  mkdirSync(root);
  return root;
}

function lacp(root: string, args: string[]) {
  return execa(process.execPath, [LACP_BIN, ...args], { cwd: root, env: { ...env, LACP_WORKSPACE: root }, reject: false, timeout: 20_000 });
}

/** Where the CLI (run with `env`) must put the socket: `<tmp>/lacp-<uid>/lacp-<hash of the path>.sock`. */
function socketOf(root: string): { socket: string; dir: string } {
  const dir = join(base, `lacp-${process.getuid!()}`);
  const key = createHash('sha256').update(root).digest('hex').slice(0, 16);
  return { socket: join(dir, `lacp-${key}.sock`), dir };
}

function expectRefusal(result: { exitCode?: number; stderr: unknown; stdout: unknown }, why: RegExp): void {
  expect(result.exitCode).toBe(2);
  const stderr = String(result.stderr);
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(stderr).toMatch(why);
  expect(stderr).not.toMatch(/\n\s+at /);
  expect(String(result.stdout)).toBe('');
}

afterAll(async () => {
  for (const fn of cleanups.reverse()) await fn();
  rmSync(base, { recursive: true, force: true });
});

describe('fallback socket directory', () => {
  it('lives in a 0700 directory of ours; clients refuse it once it is open to others or a symlink', async () => {
    const root = longWorkspace();
    cleanups.push(async () => {
      await lacp(root, ['daemon', 'stop']);
      rmSync(dirname(root), { recursive: true, force: true });
    });
    const { socket, dir } = socketOf(root);
    const started = await lacp(root, ['daemon', 'start']);
    expect(started.exitCode, String(started.stderr)).toBe(0);
    expect(existsSync(join(root, '.lacp', 'daemon.sock'))).toBe(false);
    expect(lstatSync(socket).isSocket()).toBe(true);
    expect(lstatSync(socket).mode & 0o777).toBe(0o600);
    const st = lstatSync(dir);
    expect(st.isDirectory()).toBe(true);
    expect(st.uid).toBe(process.getuid!());
    expect(st.mode & 0o777).toBe(0o700);
    expect((await lacp(root, ['run', 'sh', '--prompt', 'exit 0', '--wait'])).exitCode).toBe(0);

    chmodSync(dir, 0o777);
    const why = new RegExp(`socket directory ${dir} is open to other users \\(mode 0777\\); refusing`);
    expectRefusal(await lacp(root, ['daemon', 'status']), why);
    expectRefusal(await lacp(root, ['run', 'sh', '--prompt', 'echo secret-prompt']), why);
    chmodSync(dir, 0o700);
    expect((await lacp(root, ['daemon', 'status'])).exitCode).toBe(0);

    // The same directory reached through a symlink (as someone could plant one) is refused too.
    renameSync(dir, `${dir}.real`);
    symlinkSync(`${dir}.real`, dir);
    try {
      const symlinked = /socket directory .* is a symlink, not a directory of yours; refusing/;
      expectRefusal(await lacp(root, ['daemon', 'status']), symlinked);
      expectRefusal(await lacp(root, ['run', 'sh', '--prompt', 'echo secret-prompt']), symlinked);
    } finally {
      rmSync(dir);
      renameSync(`${dir}.real`, dir);
    }
    const stopped = await lacp(root, ['daemon', 'stop']);
    expect(String(stopped.stdout)).toBe('daemon stopped');
  }, 60_000);

  it('a listener planted first in a directory open to others never hears from a client', async () => {
    const root = longWorkspace();
    cleanups.push(async () => {
      await lacp(root, ['daemon', 'stop']);
      rmSync(dirname(root), { recursive: true, force: true });
    });
    const { socket, dir } = socketOf(root);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    const heard: string[] = [];
    const accepted: string[] = [];
    const rogue: Server = createServer((conn) => {
      accepted.push('conn');
      conn.on('data', (d) => heard.push(String(d)));
    });
    await new Promise<void>((resolve) => rogue.listen(socket, resolve));
    cleanups.push(() => new Promise<void>((resolve) => rogue.close(() => resolve())));

    expectRefusal(await lacp(root, ['run', 'sh', '--prompt', 'echo secret-prompt']), /open to other users \(mode 0777\)/);
    expectRefusal(await lacp(root, ['daemon', 'start']), /open to other users/);
    // Connections are accepted in order: once our probe is accepted, any from the CLI would have been.
    const probed = new Promise<void>((resolve) => rogue.once('connection', () => resolve()));
    const probe = connect(socket);
    await probed;
    probe.destroy();
    expect(accepted).toEqual(['conn']);
    expect(heard.join('')).not.toContain('secret-prompt');
  }, 60_000);
});
