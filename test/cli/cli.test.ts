import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { TelemetryEvent } from '../../src/core/events.js';
import { readProc } from '../../src/runner/proc-table.js';
import { LACP_BIN, TestWorkspace } from '../helpers/workspace.js';
import { expectOneLineError } from '../helpers/one-line-error.js';
import { disposeChecked, validateWorkspaceFiles, waitFor } from '../helpers/runner-checks.js';

const ws = new TestWorkspace(`
version: 1
vars:
  level: "1"
tools:
  chatty:
    cmd: ["sh", "-c", "echo out-{level}; echo err-{level} >&2"]
  ticking:
    cmd: ["sh", "-c", "echo one; sleep 1; echo two"]
  slow:
    cmd: ["sleep", "30"]
  args:
    cmd: ["printf", "%s|", "{prompt}"]
`);
afterAll(async () => {
  validateWorkspaceFiles(ws.root);
  await disposeChecked(ws);
});

describe('lacp listings', () => {
  it('ls, events and logs, as text and as JSON', async () => {
    const { runId, taskId, result } = await ws.run(['chatty', '--set', 'level=7', '--wait', '--title', 'chatty one']);
    expect(result.exitCode, String(result.stderr)).toBe(0);

    const ls = JSON.parse((await ws.lacp(['ls', '--json'])).stdout) as { runs: { run_id: string; tasks: Record<string, unknown>[] }[] };
    expect(ls.runs.map((r) => r.run_id)).toEqual([runId]);
    expect(ls.runs[0]!.tasks.find((t) => t.task_id === taskId)).toMatchObject({ status: 'succeeded', tool: 'chatty', mode: 'batch', exit_code: 0, title: 'chatty one' });
    const lsText = (await ws.lacp(['ls'])).stdout;
    expect(lsText).toContain(runId);
    expect(lsText).toMatch(new RegExp(`${taskId}\\s+succeeded\\s+chatty\\s+batch`));

    const events = JSON.parse((await ws.lacp(['events', '--json'])).stdout) as { events: unknown[] };
    const parsed = events.events.map((e) => TelemetryEvent.parse(e));
    expect(parsed.filter((e) => 'task_id' in e && e.task_id === taskId).map((e) => e.event)).toEqual(['task_queued', 'task_started', 'task_completed']);
    const byRun = JSON.parse((await ws.lacp(['events', '--run', runId, '--json'])).stdout) as { events: unknown[] };
    expect(byRun.events).toHaveLength(events.events.length);
    expect((await ws.lacp(['events'])).stdout).toMatch(/task_completed\s+succeeded/);

    expect((await ws.lacp(['logs', taskId])).stdout).toBe('out-7');
    expect((await ws.lacp(['logs', taskId, '--stderr'])).stdout).toBe('err-7');
  });

  it('logs --follow prints output as it comes and ends when the task ends', async () => {
    const { taskId } = await ws.run(['ticking']);
    const follow = await ws.lacp(['logs', taskId, '--follow']);
    expect(follow.exitCode).toBe(0);
    expect(follow.stdout).toBe('one\ntwo');
    // It ended because the task did.
    expect(ws.taskEvents(taskId).at(-1)!.event).toBe('task_completed');
  });

  it('events --follow --json prints one event per line until interrupted', async () => {
    const child = execa(process.execPath, [LACP_BIN, 'events', '--follow', '--json'], { cwd: ws.root, env: { LACP_WORKSPACE: ws.root }, reject: false });
    try {
      let seen = '';
      child.stdout.on('data', (d: Buffer) => (seen += d.toString()));
      const { taskId } = await ws.run(['chatty']);
      const lines = () => seen.split('\n').filter(Boolean).map((l) => TelemetryEvent.parse(JSON.parse(l)));
      await waitFor('the follower to see the task end', () => lines().some((e) => e.event === 'task_completed' && e.task_id === taskId));
    } finally {
      child.kill('SIGINT');
    }
    const r = await child;
    expect(r.exitCode).toBe(0);
    for (const line of String(r.stdout).split('\n')) TelemetryEvent.parse(JSON.parse(line));
  });

  it('events --follow picks up a run started after it began', async () => {
    const child = execa(process.execPath, [LACP_BIN, 'events', '--follow', '--json'], { cwd: ws.root, env: { LACP_WORKSPACE: ws.root }, reject: false });
    try {
      let seen = '';
      child.stdout.on('data', (d: Buffer) => (seen += d.toString()));
      const before = await ws.run(['chatty']);
      await waitFor('the follower to see the first run', () => seen.includes(before.taskId));
      const after = await ws.run(['chatty', '--new-run']);
      expect(after.runId).not.toBe(before.runId);
      const lines = () => seen.split('\n').filter(Boolean).map((l) => TelemetryEvent.parse(JSON.parse(l)));
      await waitFor('the follower to see the new run end', () =>
        lines().some((e) => e.event === 'task_completed' && e.run_id === after.runId && e.task_id === after.taskId),
      );
      expect(lines().filter((e) => e.event === 'run_started' && e.run_id === after.runId)).toHaveLength(1);
    } finally {
      child.kill('SIGINT');
    }
    expect((await child).exitCode).toBe(0);
  });

  it('Ctrl-C stops run --wait, not the task, and says how to cancel it', async () => {
    const waiting = execa(process.execPath, [LACP_BIN, 'run', 'slow', '--wait'], { cwd: ws.root, env: { LACP_WORKSPACE: ws.root }, reject: false });
    let taskId = '';
    waiting.stdout!.on('data', (chunk: Buffer) => (taskId ||= String(chunk).trim().split(' ')[1] ?? ''));
    await waitFor('the task to start', () => taskId !== '' && ws.taskEvents(taskId).some((e) => e.event === 'task_started'));
    waiting.kill('SIGINT');
    const r = await waiting;
    expect([r.exitCode, String(r.stderr)]).toEqual([130, `lacp: stopped waiting; ${taskId} still runs (lacp cancel ${taskId} stops it)`]);
    expect(ws.taskEvents(taskId).some((e) => e.event === 'task_completed')).toBe(false);
    expect((await ws.lacp(['cancel', taskId])).exitCode).toBe(0);
  });

  it('cancel returns only after the tasks ended; cancel --run cancels a whole run', async () => {
    const a = await ws.run(['slow', '--new-run']);
    const b = await ws.run(['slow']);
    expect(b.runId).toBe(a.runId);
    await waitFor('both to run', () => [a.taskId, b.taskId].every((id) => ws.taskEvents(id).some((e) => e.event === 'task_started')));
    const r = await ws.lacp(['cancel', '--run', a.runId, '--json']);
    expect(r.exitCode).toBe(0);
    const outcomes = String(r.stdout).split('\n').map((l) => JSON.parse(l) as { task_id: string; status: string });
    expect(outcomes.map((o) => [o.task_id, o.status]).sort()).toEqual([[a.taskId, 'cancelled'], [b.taskId, 'cancelled']].sort());
    for (const id of [a.taskId, b.taskId]) expect(ws.taskEvents(id).at(-1)).toMatchObject({ event: 'task_completed', status: 'cancelled' });
    // A task named twice is cancelled once, and said once.
    const c = await ws.run(['slow']);
    const twice = await ws.lacp(['cancel', c.taskId, c.taskId]);
    expect([twice.exitCode, String(twice.stdout).split('\n')]).toEqual([0, [expect.stringMatching(new RegExp(`^${c.taskId} cancelled`))]]);
  });
});

describe('lacp errors: one line on stderr, exit 2', () => {
  // Each case is its own lacp process; they are independent, so they run at once.
  const check = (args: string[], pattern: RegExp) => ws.lacp(args).then((r) => expectOneLineError(r, 2, pattern));

  it('unknown tool, missing prompt, unknown --set variable', async () => {
    await Promise.all([
      check(['run', 'nope'], /unknown tool 'nope' \(.*has: args, chatty, sh, shell, slow, ticking\)/),
      check(['run', 'sh'], /tool 'sh' needs a prompt: pass --prompt TEXT/),
      check(['run', 'chatty', '--set', 'levle=2'], /--set levle: no such variable \(declared under vars: level\)/),
      check(['run', 'chatty', '--set', 'level'], /--set level: expected KEY=VALUE/),
      check(['run', 'chatty', '--timeout', 'soon'], /--timeout soon: expected a positive number/),
    ]);
  }, 120_000);

  it('unknown command, bad flag, missing argument, unknown task or run', async () => {
    await Promise.all([
      check(['frobnicate'], /unknown command 'frobnicate'/),
      check(['run', 'chatty', '--bogus'], /lacp run: .*--bogus/),
      check(['ls', '--bogus'], /--bogus/),
      check(['logs'], /expected one TASK_ID/),
      check(['logs', 't-nosuchtask'], /no task t-nosuchtask/),
      check(['ls', '--run', 'RUN-20000101-001'], /no run RUN-20000101-001/),
      check(['cancel'], /name a TASK_ID or --run/),
      check(['cancel', 't-nosuchtask'], /no task t-nosuchtask/),
      check(['daemon', 'restart'], /expected start, stop or status/),
    ]);
  }, 120_000);

  it('no command prints the usage, says so in one line on stderr and exits 2; --help exits 0', async () => {
    const none = await ws.lacp([]);
    expect(none.exitCode).toBe(2);
    expect(none.stdout).toContain('lacp run TOOL');
    expect(String(none.stderr)).toBe('lacp: no command given (the commands are listed above)');
    const help = await ws.lacp(['run', '--help']);
    expect([help.exitCode, String(help.stdout).split('\n')[0]]).toEqual([0, expect.stringMatching(/^lacp run TOOL/)]);
    const helpRun = await ws.lacp(['help', 'run']);
    expect([helpRun.exitCode, helpRun.stdout]).toEqual([0, help.stdout]);
  });

  it('what the user typed is quoted with its control characters shown, never sent to the terminal', async () => {
    await Promise.all([
      check(['run', 'x\x1b[2J'], /^lacp: unknown tool 'x\\x1b\[2J' /),
      check(['logs', 't-\x1b]0;X\x07'], /^lacp: 't-\\x1b\]0;X\\x07' is not a task id/),
    ]);
  });
});

describe('options as users type them', () => {
  it('--workspace and --json may come before the command, as git and tmux take theirs', async () => {
    const elsewhere = await ws.lacp(['--workspace', join(ws.root, 'no-such-dir'), 'ls']);
    expectOneLineError(elsewhere, 2, /workspace \S+no-such-dir does not exist/);
    const listed = await ws.lacp(['--json', `--workspace=${ws.root}`, 'ls']);
    expect(listed.exitCode, String(listed.stderr)).toBe(0);
    expect(JSON.parse(String(listed.stdout))).toHaveProperty('runs');
  });

  it('an option value may start with "-": a prompt or title is taken whole', async () => {
    const { taskId, result } = await ws.run(['args', '--prompt', '-n not an option', '--title', '-t', '--wait']);
    expect(result.exitCode, String(result.stderr)).toBe(0);
    expect((await ws.lacp(['logs', taskId])).stdout).toBe('-n not an option|');
    expectOneLineError(await ws.lacp(['run', 'args', '--timeout', '-1']), 2, /--timeout -1: expected a positive number of seconds/);
  });

  it('a workspace that does not exist, or is a file, is refused and not created', async () => {
    const missing = join(ws.root, 'typo', 'workspace');
    expectOneLineError(await ws.lacp(['run', 'sh', '--prompt', 'true', '--workspace', missing]), 2, /workspace \S+ does not exist/);
    expect(existsSync(join(ws.root, 'typo'))).toBe(false);
    const file = join(ws.root, 'a-file');
    writeFileSync(file, '');
    expectOneLineError(await ws.lacp(['ls', '--workspace', file]), 2, /workspace \S+a-file is not a directory/);
  });
});

describe('bad config: FILE:LINE:COL message, exit 2, no stack trace', () => {
  const bad = new TestWorkspace();
  afterAll(() => disposeChecked(bad));
  const cases: [string, string, RegExp][] = [
    ['unknown key', 'version: 1\ntools:\n  t:\n    cmd: [x]\n    colour: red\n', /^tools\.yaml:5:5 tools\.t\.colour: unknown key 'colour'$/],
    ['wrong type', 'version: 1\ndefaults:\n  max_parallel: "4"\n', /^tools\.yaml:3:17 defaults\.max_parallel: expected number, got string$/],
    ['unknown placeholder', 'version: 1\ntools:\n  t:\n    cmd: [echo, "{promt}"]\n', /^tools\.yaml:4:17 tools\.t\.cmd\.1: unknown placeholder '\{promt\}'/],
    ['YAML syntax error', 'version: 1\ntools:\n  t:\n    cmd: [echo\n  u: 1\n', /^tools\.yaml:\d+:\d+ YAML: /],
  ];
  for (const [name, text, pattern] of cases) {
    it(`${name}: lacp validate and lacp run report it`, async () => {
      writeFileSync(join(bad.root, 'tools.yaml'), text);
      expectOneLineError(await bad.lacp(['validate']), 2, pattern);
      expectOneLineError(await bad.lacp(['run', 'sh', '--prompt', 'true']), 2, pattern);
    });
  }

  it('a running daemon sees every edit of tools.yaml: a new tool runs, a broken file is reported located, a fixed one runs again', async () => {
    const live = new TestWorkspace('version: 1\ntools:\n  a:\n    cmd: ["true"]\n');
    try {
      expect((await live.lacp(['daemon', 'start'])).exitCode).toBe(0);
      writeFileSync(join(live.root, 'tools.yaml'), 'version: 1\ntools:\n  a:\n    cmd: ["true"]\n  b:\n    cmd: ["sh", "-c", "exit 4"]\n');
      expect((await live.lacp(['run', 'b', '--wait'])).exitCode).toBe(4);
      writeFileSync(join(live.root, 'tools.yaml'), 'version: 1\ntools:\n  b:\n    cmd: ["true"]\n    colour: red\n');
      expectOneLineError(await live.lacp(['run', 'b']), 2, /^tools\.yaml:5:5 tools\.b\.colour: unknown key 'colour'$/);
      writeFileSync(join(live.root, 'tools.yaml'), 'version: 1\ntools:\n  b:\n    cmd: ["true"]\n');
      expect((await live.lacp(['run', 'b', '--wait'])).exitCode).toBe(0);
    } finally {
      await disposeChecked(live);
    }
  });

  it('a broken tools.yaml starts no daemon just to report it', async () => {
    const idle = new TestWorkspace('version: 1\ntools:\n  t:\n    cmd: 3\n');
    try {
      expectOneLineError(await idle.lacp(['run', 't']), 2, /^tools\.yaml:4:10 /);
      expect((await idle.lacp(['daemon', 'status'])).exitCode).toBe(3);
    } finally {
      await disposeChecked(idle);
    }
  });

  it('a key with an escape sequence in it is reported with the sequence shown, not sent to the terminal', async () => {
    writeFileSync(join(bad.root, 'tools.yaml'), 'version: 1\ntools:\n  a:\n    cmd: ["x"]\n    "\\e]0;T\\a": 1\n');
    expectOneLineError(await bad.lacp(['validate']), 2, /^tools\.yaml:5:5 tools\.a\.\\x1b\]0;T\\x07: unknown key '\\x1b\]0;T\\x07'$/);
  });

  it('validate FILE and --json', async () => {
    mkdirSync(join(bad.root, 'alt'), { recursive: true });
    writeFileSync(join(bad.root, 'alt', 'tools.yaml'), 'version: 1\ntools:\n  t:\n    cmd: 3\n');
    const r = await bad.lacp(['validate', 'alt/tools.yaml', '--json']);
    expect(r.exitCode).toBe(2);
    const problem = { line: 4, col: 10, message: 'tools.t.cmd: expected array, got number' };
    expect(JSON.parse(r.stdout)).toEqual({ file: 'alt/tools.yaml', ok: false, ...problem, errors: [problem] });
    writeFileSync(join(bad.root, 'alt', 'tools.yaml'), 'version: 1\ntools:\n  t:\n    cmd: [x]\n');
    const ok = await bad.lacp(['validate', 'alt/tools.yaml']);
    expect([ok.exitCode, ok.stdout]).toEqual([0, 'alt/tools.yaml: ok (1 tool: t)']);
  });
});

describe('daemon unreachable: exit 3', () => {
  it('daemon status without a daemon', async () => {
    const idle = new TestWorkspace();
    try {
      const r = await idle.lacp(['daemon', 'status']);
      expect(r.exitCode).toBe(3);
      expect(r.stdout).toBe(`no daemon running for ${idle.root}`);
    } finally {
      await disposeChecked(idle);
    }
  });

  it('a command that needs the daemon when its state directory cannot be made (.lacp is a file): the workspace is at fault, exit 2', async () => {
    const blocked = new TestWorkspace();
    try {
      writeFileSync(join(blocked.root, '.lacp'), 'not a directory');
      expectOneLineError(await blocked.lacp(['run', 'sh', '--prompt', 'true']), 2, /\.lacp is a file, not a directory \(lacp keeps .*\); move it away/);
    } finally {
      await disposeChecked(blocked);
    }
  });

  it('a command that needs the daemon when none can start (the lock is held by a live process that serves nothing)', async () => {
    const stuck = new TestWorkspace();
    try {
      mkdirSync(join(stuck.root, '.lacp'), { mode: 0o700 });
      writeFileSync(join(stuck.root, '.lacp', 'daemon.lock'), JSON.stringify({ pid: process.pid, start_ticks: readProc(process.pid)!.startTicks }));
      const r = await stuck.lacp(['run', 'sh', '--prompt', 'true']);
      expectOneLineError(r, 3, /cannot start the workspace daemon/);
    } finally {
      await disposeChecked(stuck);
    }
  });
});
