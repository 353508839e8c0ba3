#!/usr/bin/env node
// Issue 4 benchmark: lacp-tui running under tmux (its own tmux server), in one run:
// (1) `seq 1 1000000` in a visible pane, until the pane shows the end marker, against
//     raw node-pty draining the same command and against tmux alone showing it.
//     Goals: at least 0.9x raw node-pty's throughput, and faster than tmux.
// (2) keypress-to-echo in a focused pane (`cat`) while four other panes flood. Goal p95 <= 30 ms.
//     Here the UI runs in a terminal of this process's own (node-pty + @xterm/headless), like
//     a terminal emulator: a key is written to it and the time is taken when its output,
//     parsed, shows the echo. No polling: send-keys and capture-pane each start a process,
//     which under four floods on this 2-core machine costs more than the goal. Measured the
//     same way through tmux alone hosting cat and four flooding panes, all visible.
// (3) CPU of the UI process with four quiet panes, over 10 s. Goal < 2% of a core.
// Throughput screens are read with capture-pane, polled, over a run of seconds.
// Needs `npm run build` first.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pty from 'node-pty';
import xtermHeadless from '@xterm/headless';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const LACP = join(REPO, 'bin', 'lacp.js');
const TUI = join(REPO, 'bin', 'lacp-tui.js');
const { DaemonClient } = await import(join(REPO, 'dist/client/daemon-client.js'));
const { workspacePaths } = await import(join(REPO, 'dist/workspace/workspace-paths.js'));
const SEQ = 'seq 1 1000000';
const MARK = 'SEQ-DONE';
const ROUNDS = 2; // best of: the machine is shared
const ECHO_SAMPLES = 100;
const IDLE_SECONDS = 10;
const CLOCK_TICKS = 100; // USER_HZ
/**
 * capture-pane poll while timing. Each poll starts a tmux client (~10 ms of CPU here), so
 * polling every 5 ms took half a core from what is measured; 20 ms costs a quarter of
 * that, and bounds the error to 20 ms of a round of about a second, the same for tmux alone.
 */
const POLL_MS = 20;
const result = (r) => console.log(`BENCH_RESULT ${JSON.stringify(r)}`);

const FLOOD = 'while :; do seq 1 100000; done';
const TOOLS = `version: 1
defaults:
  max_parallel: 16
tools:
  seqflood:
    mode: interactive
    cmd: ["sh", "-c", "${SEQ}; echo ${MARK}-$0; exec sleep 100000", "{prompt}"]
  flood:
    mode: interactive
    cmd: ["sh", "-c", "${FLOOD}"]
  echo:
    mode: interactive
    cmd: ["cat"]
  quiet:
    mode: interactive
    cmd: ["sh", "-c", "echo quiet; exec sleep 100000"]
`;

class Tmux {
  constructor(name) {
    this.name = name;
  }
  run(...args) {
    return execFileSync('tmux', ['-L', this.name, '-f', '/dev/null', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  }
  start(cmd, env = {}) {
    this.run('new-session', '-d', '-s', 'main', '-x', '160', '-y', '48', ...Object.entries({ LANG: 'C.UTF-8', ...env }).flatMap(([k, v]) => ['-e', `${k}=${v}`]), cmd);
  }
  screen() {
    return this.run('capture-pane', '-p', '-t', 'main');
  }
  async waitFor(re, timeoutMs = 120_000, poll = 50) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const s = this.screen();
      if (re.test(s)) return s;
      await delay(poll);
    }
    throw new Error(`timed out waiting for ${re}:\n${this.screen()}`);
  }
  keys(...k) {
    this.run('send-keys', '-t', 'main', ...k);
  }
  pid() {
    return Number(this.run('display-message', '-p', '-t', 'main', '#{pane_pid}').trim());
  }
  kill() {
    try {
      this.run('kill-server');
    } catch {}
  }
}

const lacp = (root, args) => execFileSync(process.execPath, [LACP, ...args], { env: { ...process.env, LACP_WORKSPACE: root }, encoding: 'utf8' });
const idOf = (out) => out.trim().split(' ')[1];
const seqBytes = () => execFileSync('sh', ['-c', SEQ], { maxBuffer: 64 << 20 }).length;

/** CPU milliseconds the whole machine (all cores, every process and the kernel) has been busy so far. */
function machineBusyMs() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return (f[0] + f[1] + f[2] + f[5] + f[6]) * (1000 / CLOCK_TICKS); // user, nice, system, irq, softirq
}

/** Runs `measure` and adds the machine's busy CPU over it to `totals[key]`. */
async function withMachineCpu(totals, key, measure) {
  const before = machineBusyMs();
  const ms = await measure();
  totals[key] = (totals[key] ?? 0) + machineBusyMs() - before;
  return ms;
}

function rawNodePty() {
  return new Promise((resolve) => {
    const t = performance.now();
    const p = pty.spawn('sh', ['-c', SEQ], { cols: 80, rows: 24, name: 'xterm-256color' });
    p.onData(() => undefined);
    p.onExit(() => resolve(performance.now() - t));
  });
}

async function tmuxAlone() {
  const t = new Tmux(`lacp-bench-tmux-${process.pid}`);
  try {
    const start = performance.now();
    t.start(`${SEQ}; echo ${MARK}; exec sleep 100000`);
    await t.waitFor(new RegExp(`^${MARK}$`, 'm'), 120_000, POLL_MS);
    return performance.now() - start;
  } finally {
    t.kill();
  }
}

/** Round `round`'s own end marker: an earlier round's pane, still on screen, must not count. */
async function throughTui(client, t, round) {
  const start = performance.now();
  // Submitted over the bench's own connection: `lacp run` would add ~250 ms of Node start-up to a pane's throughput.
  const { task_id: id } = await client.request('submit', { tool: 'seqflood', prompt: `r${round}` });
  await t.waitFor(new RegExp(`1000000\\s*│\\s*\\n│?.*${MARK}-r${round}`), 120_000, POLL_MS);
  const ms = performance.now() - start;
  return { ms, id };
}

/**
 * A terminal owned by this process: the program runs in a PTY whose output is parsed into a
 * headless xterm, which also answers the program's queries, as a terminal emulator would.
 */
class HostTerminal {
  constructor(file, args, { cwd, env = {} }) {
    this.term = new xtermHeadless.Terminal({ cols: 160, rows: 48, scrollback: 0, allowProposedApi: true });
    this.waiters = new Set();
    this.proc = pty.spawn(file, args, { cols: 160, rows: 48, name: 'xterm-256color', cwd, env: { ...process.env, LANG: 'C.UTF-8', ...env } });
    this.proc.onData((d) => this.term.write(d, () => this.check()));
    this.term.onData((reply) => this.proc.write(reply));
    this.exited = new Promise((resolve) => this.proc.onExit(resolve));
  }
  screen() {
    const b = this.term.buffer.active;
    const lines = [];
    for (let y = 0; y < this.term.rows; y++) lines.push(b.getLine(b.viewportY + y)?.translateToString(true) ?? '');
    return lines.join('\n');
  }
  check() {
    if (this.waiters.size === 0) return;
    const screen = this.screen();
    for (const w of this.waiters) if (w.re.test(screen)) w.resolve(performance.now());
  }
  /** Resolves with the time at which the parsed output first showed `re`. */
  waitFor(re, timeoutMs = 30_000) {
    return new Promise((resolve, reject) => {
      const w = { re, resolve: (at) => done(() => resolve(at)) };
      const timer = setTimeout(() => done(() => reject(new Error(`timed out waiting for ${re}:\n${this.screen()}`))), timeoutMs);
      const done = (settle) => {
        clearTimeout(timer);
        this.waiters.delete(w);
        settle();
      };
      this.waiters.add(w);
      this.check();
    });
  }
  write(text) {
    this.proc.write(text);
  }
  async close() {
    this.proc.kill('SIGTERM');
    await this.exited;
    this.term.dispose();
  }
}

/** Types a token and Enter until the screen shows it, ECHO_SAMPLES times: p50 and p95 in ms. */
async function echoLatency(host) {
  const samples = [];
  for (let i = 0; i < ECHO_SAMPLES; i++) {
    const token = `q${i}z`;
    const shown = host.waitFor(new RegExp(token), 10_000);
    const t0 = performance.now();
    host.write(`${token}\r`); // one line each: a token never wraps across a tile's edge
    samples.push((await shown) - t0);
  }
  samples.sort((a, b) => a - b);
  return { p50: samples[samples.length >> 1], p95: samples[Math.ceil(samples.length * 0.95) - 1] };
}

/** The same measurement through tmux alone: cat focused, four flooding panes beside it, all visible. */
async function tmuxEchoBaseline() {
  const t = new Tmux(`lacp-bench-echo-${process.pid}`);
  const host = new HostTerminal('tmux', ['-L', t.name, '-f', '/dev/null', 'new-session', '-s', 'main', 'cat'], {});
  try {
    await host.waitFor(/\[main\]/);
    for (let i = 0; i < 4; i++) t.run('split-window', '-d', '-t', 'main', FLOOD);
    t.run('select-layout', '-t', 'main', 'tiled');
    return await echoLatency(host);
  } finally {
    t.kill();
    await host.exited;
  }
}

function cpuTicks(pid) {
  const rest = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(rest[11]) + Number(rest[12]);
}

const root = mkdtempSync(join(tmpdir(), 'lacp-bench-tui-'));
writeFileSync(join(root, 'tools.yaml'), TOOLS);
const ui = new Tmux(`lacp-bench-ui-${process.pid}`);
let host = null;
try {
  lacp(root, ['daemon', 'start']);
  const client = await DaemonClient.connect(workspacePaths(root).socket);
  ui.start(`cd ${root} && exec ${process.execPath} ${TUI}`, { LACP_WORKSPACE: root });
  await ui.waitFor(/no runs yet/);
  const bytes = seqBytes();

  // (1) throughput
  let raw = Infinity, viaTmux = Infinity, viaTui = Infinity;
  const machineCpu = {};
  for (let i = 0; i < ROUNDS; i++) {
    raw = Math.min(raw, await withMachineCpu(machineCpu, 'raw', rawNodePty));
    viaTmux = Math.min(viaTmux, await withMachineCpu(machineCpu, 'tmux', tmuxAlone));
    let id;
    const tuiMs = await withMachineCpu(machineCpu, 'tui', async () => {
      const round = await throughTui(client, ui, i);
      id = round.id;
      return round.ms;
    });
    viaTui = Math.min(viaTui, tuiMs);
    lacp(root, ['cancel', id]); // after the machine's CPU is read: a `lacp` process is not part of the path measured
  }
  const mbps = (ms) => +(bytes / 1e6 / (ms / 1000)).toFixed(1);
  console.log(`seq 1 1000000 (${(bytes / 1e6).toFixed(1)} MB): raw node-pty ${raw.toFixed(0)} ms, tmux ${viaTmux.toFixed(0)} ms, lacp-tui pane ${viaTui.toFixed(0)} ms`);
  // On a small machine the CPU a path needs bounds its time: raw node-pty alone keeps most cores busy.
  const perRun = (key) => (machineCpu[key] / ROUNDS).toFixed(0);
  console.log(`  machine CPU per run (all processes, tmux's capture-pane polls included): raw node-pty ${perRun('raw')} ms, tmux ${perRun('tmux')} ms, lacp-tui ${perRun('tui')} ms, on ${availableParallelism()} cores`);
  result({ name: 'tui pane throughput vs raw node-pty', value: +(raw / viaTui).toFixed(2), unit: 'x', goal: '>= 0.9', met: raw / viaTui >= 0.9 });
  result({ name: 'tui pane throughput', value: mbps(viaTui), unit: 'MB/s', goal: `> tmux ${mbps(viaTmux)} MB/s`, met: viaTui < viaTmux });

  ui.kill(); // the next sections use a UI in a terminal of this process's own
  host = new HostTerminal(process.execPath, [TUI], { cwd: root, env: { LACP_WORKSPACE: root } });
  await host.waitFor(/CONTROL .*q quit/);

  // (2) keypress to echo with four flooding panes
  const floods = [1, 2, 3, 4].map(() => idOf(lacp(root, ['run', 'flood'])));
  const echo = idOf(lacp(root, ['run', 'echo']));
  await host.waitFor(new RegExp(`┌─ ${echo} echo`));
  for (let i = 0; i < 12; i++) host.write('j'); // select the echo task: the newest is last in the tree
  await host.waitFor(new RegExp(`CONTROL\\s+▶ ${echo}`));
  host.write('\r');
  await host.waitFor(/PANE: keys go to the task/);
  const echoed = await echoLatency(host);
  console.log(`keypress to echo with 4 flooding panes: p50 ${echoed.p50.toFixed(1)} ms, p95 ${echoed.p95.toFixed(1)} ms (key written to the UI's terminal until the echo is on its parsed screen)`);
  result({ name: 'tui keypress-to-echo p95, 4 panes flooding', value: +echoed.p95.toFixed(1), unit: 'ms', goal: '<= 30', met: echoed.p95 <= 30 });
  host.write('\x01'); // Ctrl-a: keys back to the UI
  lacp(root, ['cancel', ...floods, echo]);
  const base = await tmuxEchoBaseline();
  console.log(`  the same through tmux alone (cat and 4 flooding panes): p50 ${base.p50.toFixed(1)} ms, p95 ${base.p95.toFixed(1)} ms; lacp-tui adds ${(echoed.p95 - base.p95).toFixed(1)} ms at p95`);
  result({ name: 'tui keypress-to-echo p95 vs tmux alone', value: +(echoed.p95 / base.p95).toFixed(2), unit: 'x', goal: null, met: null });

  // (3) idle CPU with four quiet panes
  const quiet = [1, 2, 3, 4].map(() => idOf(lacp(root, ['run', 'quiet'])));
  await host.waitFor(new RegExp(quiet.map((q) => `┌─ ${q} quiet`).join('[\\s\\S]*')));
  await delay(2000); // let the attach snapshots settle before sampling
  const pid = host.proc.pid;
  const before = cpuTicks(pid);
  await delay(IDLE_SECONDS * 1000);
  const cpu = ((cpuTicks(pid) - before) / CLOCK_TICKS / IDLE_SECONDS) * 100;
  console.log(`idle UI with 4 quiet panes: ${cpu.toFixed(2)}% of a core over ${IDLE_SECONDS} s`);
  result({ name: 'tui idle CPU, 4 quiet panes', value: +cpu.toFixed(2), unit: '% core', goal: '< 2', met: cpu < 2 });
  lacp(root, ['cancel', ...quiet]);
  client.close();
} finally {
  ui.kill();
  await host?.close();
  try {
    lacp(root, ['daemon', 'stop']);
  } catch {}
  rmSync(root, { recursive: true, force: true });
}
