import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/runner-checks.js';
import { TmuxTui, TUI_BIN } from './tmux-tui.js';

/** The uid lacp-tui runs as when the tests run as root: root ignores permission bits, so "cannot write" needs another user. */
const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;

/** lacp-tui with pipes, no terminal (as nobody when `unprivileged` and the tests run as root). */
function tuiPiped(root: string, unprivileged = false) {
  return execa(process.execPath, [TUI_BIN], {
    cwd: '/',
    env: { LACP_WORKSPACE: root, HOME: '/' },
    reject: false,
    stdin: 'ignore',
    timeout: 30_000,
    ...(unprivileged && asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
  });
}

/** The one line and nothing else: what the CLI says for the same workspace, as lacp-tui. */
function expectTuiLine(r: { exitCode?: number; stdout: unknown; stderr: unknown }, pattern: RegExp): void {
  const seen = `exit ${r.exitCode}, stderr ${JSON.stringify(String(r.stderr))}`;
  expect(r.exitCode, seen).toBe(2);
  expect(String(r.stdout), seen).toBe('');
  expect(String(r.stderr).split('\n'), seen).toHaveLength(1);
  expect(String(r.stderr), seen).toMatch(/^lacp-tui: /);
  expect(String(r.stderr), seen).toMatch(pattern);
}

/**
 * A lacp-tui that went ahead anyway started a daemon there: it is stopped before its workspace
 * is removed (the CLI would refuse `daemon stop` in such a workspace, so by its pid).
 */
async function stopStrayDaemon(root: string): Promise<void> {
  const pidFile = join(root, '.lacp', 'daemon.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(pid, 'SIGTERM');
  await waitFor('the stray daemon to stop', () => !alive(), 10_000);
}

describe('lacp-tui in a workspace it cannot use: the CLI workspace check, one line, exit 2, before the terminal is taken', () => {
  let root = '';
  let tmux: TmuxTui | null = null;
  afterEach(async () => {
    tmux?.kill();
    tmux = null;
    chmodSync(root, 0o700);
    await stopStrayDaemon(root);
    rmSync(root, { recursive: true, force: true });
  });

  it('runs/ is a file: said on the terminal it was started in, which is never switched to the full-screen UI; no daemon is started', async () => {
    root = mkdtempSync(join(tmpdir(), 'lacp-tui-ws-'));
    writeFileSync(join(root, 'runs'), 'not a directory');
    tmux = new TmuxTui(root, { cols: 200, rows: 10 });
    tmux.start();
    const exit = await tmux.waitExit();
    expect(exit).toEqual({ status: 2, alternate: false, mouse: false });
    expect(tmux.screen()).toContain(`lacp-tui: ${root}/runs is a file, not a directory (lacp keeps its runs there); move it away and run the command again`);
    expect(existsSync(join(root, '.lacp', 'daemon.pid'))).toBe(false);
    // The same with no terminal at all: the workspace is the first thing said, not "needs a terminal".
    expectTuiLine(await tuiPiped(root), new RegExp(`${root}/runs is a file, not a directory`));
  });

  it('.lacp is a file: one line naming it', async () => {
    root = mkdtempSync(join(tmpdir(), 'lacp-tui-ws-'));
    writeFileSync(join(root, '.lacp'), 'not a directory');
    expectTuiLine(await tuiPiped(root), new RegExp(`${root}/\\.lacp is a file, not a directory.*move it away`));
  });

  it('a read-only workspace with no daemon: "cannot create .lacp", the path, what to do; nothing is created', async () => {
    root = mkdtempSync(join(tmpdir(), 'lacp-tui-ws-'));
    chmodSync(root, 0o555);
    expectTuiLine(await tuiPiped(root, true), new RegExp(`cannot create ${root}/\\.lacp: permission denied in ${root} .*--workspace`));
    expect(existsSync(join(root, '.lacp'))).toBe(false);
  });

  it('runs/ read-only with .lacp/ writable: "cannot write in runs"', async () => {
    root = mkdtempSync(join(tmpdir(), 'lacp-tui-ws-'));
    mkdirSync(join(root, 'runs'), { mode: 0o555 });
    mkdirSync(join(root, '.lacp'), { mode: 0o777 });
    chmodSync(join(root, '.lacp'), 0o777); // past the umask: nobody may write its socket there
    chmodSync(root, 0o755);
    expectTuiLine(await tuiPiped(root, true), new RegExp(`cannot write in ${root}/runs: permission denied`));
  });
});
