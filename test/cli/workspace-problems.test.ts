import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { tryConnect } from '../../src/client/ensure-daemon.js';
import { workspacePaths } from '../../src/workspace/workspace-paths.js';
import { disposeChecked, waitFor } from '../helpers/runner-checks.js';
import { LACP_BIN, TestWorkspace } from '../helpers/workspace.js';
import { expectOneLineError } from '../helpers/one-line-error.js';

/** The uid lacp runs as when the tests run as root: root ignores permission bits, so "cannot write" needs another user. */
const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;
/**
 * What lacp says to do about a directory it cannot write in. As root the tests' directories belong to
 * root and lacp runs as nobody: chmod would not help nobody, so it names the owner; else it is ours to chmod.
 */
const FIX = asRoot ? 'belongs to root \\(uid 0\\), not to nobody \\(uid 65534\\): run lacp as its owner' : 'make it writable \\(chmod u\\+w';

const made: TestWorkspace[] = [];
function workspace(toolsYaml?: string): TestWorkspace {
  const ws = new TestWorkspace(toolsYaml);
  made.push(ws);
  return ws;
}
afterAll(async () => {
  for (const ws of made) {
    chmodSync(ws.root, 0o700); // back to writable, so it can be removed
    await disposeChecked(ws);
  }
});

/** `lacp ARGS` in `root` as a user who may not write there (nobody when the tests run as root). */
function lacpUnprivileged(root: string, args: string[]) {
  return execa(process.execPath, [LACP_BIN, ...args], {
    cwd: '/',
    env: { LACP_WORKSPACE: root, HOME: '/' },
    reject: false,
    timeout: 30_000,
    ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
  });
}

describe('a workspace lacp cannot use is reported in one line (what, where, what to do), exit 2', () => {
  it('runs/ is a file: every command says so instead of "internal error: EEXIST"', async () => {
    const ws = workspace();
    writeFileSync(join(ws.root, 'runs'), 'not a directory');
    const what = new RegExp(`${ws.root}/runs is a file, not a directory.*move it away`);
    for (const args of [['run', 'sh', '--prompt', 'true'], ['run', 'sh', '--prompt', 'true', '--wait'], ['ls'], ['events'], ['search', 'x'], ['index', 'rebuild']])
      expectOneLineError(await ws.lacp(args), 2, what);
  });

  it('.lacp is a file: commands say so, exit 2, instead of "cannot start the daemon: EEXIST"', async () => {
    const ws = workspace();
    writeFileSync(join(ws.root, '.lacp'), 'not a directory');
    expectOneLineError(await ws.lacp(['run', 'sh', '--prompt', 'true']), 2, new RegExp(`${ws.root}/\\.lacp is a file, not a directory.*move it away`));
  });

  it('a read-only workspace (neither .lacp/ nor runs/ can be made): "cannot write", the path, exit 2; read-only commands still answer', async () => {
    const ws = workspace();
    chmodSync(ws.root, 0o555);
    const denied = new RegExp(`cannot create ${ws.root}/\\.lacp: permission denied in ${ws.root}.*${FIX}`);
    expectOneLineError(await lacpUnprivileged(ws.root, ['run', 'sh', '--prompt', 'true']), 2, denied);
    expectOneLineError(await lacpUnprivileged(ws.root, ['daemon', 'start']), 2, denied);
    expect(existsSync(join(ws.root, '.lacp'))).toBe(false);
    const ls = await lacpUnprivileged(ws.root, ['ls']);
    expect([ls.exitCode, ls.stdout]).toEqual([0, 'no runs yet (lacp run TOOL starts one)']);
  });

  it(".lacp/ belongs to another user: the message names the owner instead of suggesting a chmod that cannot help", async () => {
    const ws = workspace();
    mkdirSync(join(ws.root, '.lacp'), { mode: 0o755 }); // as root: another user's daemon directory, readable by all
    if (!asRoot) chmodSync(join(ws.root, '.lacp'), 0o555); // not root: ours, but read-only
    chmodSync(ws.root, 0o755);
    const r = await lacpUnprivileged(ws.root, ['run', 'sh', '--prompt', 'true']);
    expectOneLineError(r, 2, new RegExp(`cannot write in ${ws.root}/\\.lacp: permission denied .*; .*${FIX}`));
  });

  it('runs/ cannot be made (the daemon could start, .lacp/ is writable): "cannot write", the path, exit 2', async () => {
    const ws = workspace();
    mkdirSync(join(ws.root, '.lacp'), { mode: 0o700 });
    if (asRoot) chmodSync(join(ws.root, '.lacp'), 0o777); // nobody's daemon writes its socket, pid and log there
    chmodSync(ws.root, 0o555);
    try {
      const r = await lacpUnprivileged(ws.root, ['run', 'sh', '--prompt', 'true']);
      expectOneLineError(r, 2, new RegExp(`cannot create ${ws.root}/runs: permission denied in ${ws.root}`));
    } finally {
      await lacpUnprivileged(ws.root, ['daemon', 'stop']);
    }
  });

  it('runs/ is read-only: "cannot write", the path, exit 2, whether the CLI finds it first or a running daemon does', async () => {
    const ws = workspace();
    mkdirSync(join(ws.root, 'runs'));
    mkdirSync(join(ws.root, '.lacp'), { mode: 0o700 });
    if (asRoot) chmodSync(join(ws.root, '.lacp'), 0o777);
    chmodSync(ws.root, 0o755); // readable by nobody, writable by its owner only
    chmodSync(join(ws.root, 'runs'), 0o555);
    try {
      // No daemon yet: the CLI finds it before starting one.
      const before = await lacpUnprivileged(ws.root, ['run', 'sh', '--prompt', 'true']);
      expectOneLineError(before, 2, new RegExp(`cannot write in ${ws.root}/runs: permission denied .*${FIX}`));
      // A daemon that started while runs/ was writable meets it when it makes the run.
      chmodSync(join(ws.root, 'runs'), 0o777);
      expect((await lacpUnprivileged(ws.root, ['daemon', 'start'])).exitCode).toBe(0);
      chmodSync(join(ws.root, 'runs'), 0o555);
      const after = await lacpUnprivileged(ws.root, ['run', 'sh', '--prompt', 'true']);
      expectOneLineError(after, 2, new RegExp(`cannot create ${ws.root}/runs/RUN-\\d{8}-001: permission denied in ${ws.root}/runs .*${FIX}`));
    } finally {
      await lacpUnprivileged(ws.root, ['daemon', 'stop']);
    }
  });

  it('runs/ replaced by a file under a running daemon: the daemon says so, exit 2', async () => {
    const ws = workspace();
    expect((await ws.lacp(['daemon', 'start'])).exitCode).toBe(0);
    rmSync(join(ws.root, 'runs'), { recursive: true, force: true }); // the daemon made it (its index lives there)
    writeFileSync(join(ws.root, 'runs'), 'not a directory');
    // Straight to the daemon, as the TUI and MCP clients talk to it (the CLI would refuse first).
    const client = (await tryConnect(workspacePaths(ws.root)))!;
    try {
      const submit = client.request('submit', { tool: 'sh', prompt: 'true', new_run: true });
      await expect(submit).rejects.toMatchObject({ code: 'invalid_state', message: expect.stringMatching(new RegExp(`^${ws.root}/runs is a file, not a directory.*move it away`)) });
    } finally {
      client.close();
    }
  });
});

describe('an index lacp may only read (runs/ of another user)', () => {
  it('ls and search answer from the JSONL with one warning naming the owner; index rebuild and status say so, exit 2; the index is kept', async () => {
    const ws = workspace();
    const { result } = await ws.run(['sh', '--prompt', 'echo wombat', '--wait']);
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect((await ws.lacp(['daemon', 'stop'])).exitCode).toBe(0);
    expect((await ws.lacp(['index', 'rebuild'])).exitCode).toBe(0);
    const index = join(ws.root, 'runs', 'index.sqlite');
    chmodSync(ws.root, 0o755);
    chmodSync(join(ws.root, 'runs'), 0o755);
    if (!asRoot) chmodSync(join(ws.root, 'runs'), 0o555); // not root: ours, but read-only
    if (!asRoot) chmodSync(index, 0o444);
    const owner = asRoot ? 'it belongs to root \\(uid 0\\), not to nobody \\(uid 65534\\)' : 'make \\S+ writable';
    const warning = new RegExp(`^lacp: warning: SQLite index ${index} cannot be written \\(.*\\); ${owner}; reading the JSONL files instead\n?$`);
    const ls = await lacpUnprivileged(ws.root, ['ls', '--json']);
    expect([ls.exitCode, JSON.parse(ls.stdout).runs[0].tasks[0].status]).toEqual([0, 'succeeded']);
    expect(ls.stderr).toMatch(warning);
    const search = await lacpUnprivileged(ws.root, ['search', 'wombat', '--json']);
    expect([search.exitCode, JSON.parse(search.stdout).hits.length > 0]).toEqual([0, true]);
    expect(search.stderr).toMatch(warning);
    for (const action of ['rebuild', 'status'])
      expectOneLineError(await lacpUnprivileged(ws.root, ['index', action]), 2, new RegExp(`SQLite index ${index} cannot be written .*; ${owner}$`));
    expect(existsSync(index)).toBe(true);
    chmodSync(join(ws.root, 'runs'), 0o755);
  });
});

describe('lacp events with no runs', () => {
  it('says so in one line, as ls does, exit 0; --json is an empty document as ls --json is', async () => {
    const ws = workspace();
    const ls = await ws.lacp(['ls']);
    const events = await ws.lacp(['events']);
    expect([events.exitCode, events.stdout, events.stderr]).toEqual([0, ls.stdout, '']);
    expect(ls.stdout).toBe('no runs yet (lacp run TOOL starts one)');
    const json = await ws.lacp(['events', '--json']);
    expect([json.exitCode, JSON.parse(json.stdout)]).toEqual([0, { events: [] }]);
    expect(JSON.parse((await ws.lacp(['ls', '--json'])).stdout)).toEqual({ runs: [] });
  });
});

describe('lacp run with an empty --phase, --role or --title', () => {
  it('is refused as bad input (one line, exit 2) and queues nothing; a value with text is kept', async () => {
    const ws = workspace();
    for (const flag of ['--phase', '--role', '--title'])
      for (const empty of ['', '  '])
        expectOneLineError(await ws.lacp(['run', 'sh', '--prompt', 'true', flag, empty]), 2, new RegExp(`lacp run: ${flag} is empty`));
    expect(ws.runs.list()).toEqual([]);
    const { taskId, result } = await ws.run(['sh', '--prompt', 'true', '--phase', 'plan', '--role', 'coder', '--wait']);
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect(ws.taskEvents(taskId)[0]).toMatchObject({ phase: 'plan', agent_role: 'coder' });
    // Other clients (an agent's start_task with phase "") reach the daemon directly: a blank label is no label.
    const client = (await tryConnect(workspacePaths(ws.root)))!;
    try {
      const blank = await client.request<{ task_id: string }>('submit', { tool: 'sh', prompt: 'true', phase: '', role: ' ', title: '' });
      const queued = await waitFor('the task queued', () => ws.taskEvents(blank.task_id)[0]);
      expect(queued).toMatchObject({ phase: null, agent_role: null, summary: 'sh: true' });
    } finally {
      client.close();
    }
  });
});
