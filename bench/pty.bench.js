#!/usr/bin/env node
// Issue 3 benchmark. (1) Throughput: `seq 1 1000000` in an interactive task with one
// subscribed client (acknowledging, as the TUI does), against raw node-pty draining the
// same command, in the same run. Goal: lacp at least 0.9x raw node-pty's throughput.
// (2) Daemon memory per idle PTY whose scrollback is full (10,000 lines): RSS growth over a second
// group of 8 after a first (the first's figure is printed too). Goal <= 15 MB.
// Also printed: the load average (the machine is shared: a loaded machine slows the lacp
// path, which needs several times raw node-pty's CPU, far more than raw) and the CPU the
// daemon (all its threads) and this process (the client's xterm) spent per lacp round.
// Needs `npm run build` first.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pty from 'node-pty';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const LACP = join(REPO, 'bin', 'lacp.js');
const { DaemonClient } = await import(join(REPO, 'dist/client/daemon-client.js'));
const { ScreenFollower } = await import(join(REPO, 'dist/client/screen-follower.js'));
const { workspacePaths } = await import(join(REPO, 'dist/workspace/workspace-paths.js'));

const COMMAND = ['seq', '1', '1000000'];
const ROUNDS = 3; // best of: the machine is shared, the minimum is the honest figure
const IDLE_PTYS = 8;
const result = (r) => console.log(`BENCH_RESULT ${JSON.stringify(r)}`);
const lacp = (root, args) => execFileSync(process.execPath, [LACP, ...args], { env: { ...process.env, LACP_WORKSPACE: root }, encoding: 'utf8' });

function rawNodePty() {
  return new Promise((resolve) => {
    const t = performance.now();
    let bytes = 0;
    const p = pty.spawn(COMMAND[0], COMMAND.slice(1), { cols: 80, rows: 24, name: 'xterm-256color' });
    p.onData((d) => (bytes += d.length));
    p.onExit(() => resolve({ ms: performance.now() - t, bytes }));
  });
}

async function throughLacp(client) {
  const t = performance.now();
  const { task_id } = await client.request('submit', { tool: 'seq' });
  // Attach as soon as the task exists: the client sees the whole stream (snapshot + live).
  let follower;
  const ended = new Promise((resolve) => {
    const attach = async () => {
      try {
        follower = await ScreenFollower.start(client, { taskId: task_id, mode: 'control', cols: 80, rows: 24, scrollback: 0, onChange() {}, onExit: resolve });
      } catch {
        setTimeout(attach, 1); // not spawned yet: its terminal starts with the task
      }
    };
    void attach();
  });
  await ended;
  const ms = performance.now() - t;
  follower?.dispose();
  await client.request('wait', { task_id });
  return { ms };
}

/** CPU milliseconds (user + system, all threads) a process has used so far. */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks are 10 ms on Linux
}

/** CPU milliseconds the whole machine (all cores, every process and the kernel) has been busy so far. */
function machineBusyMs() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return (f[0] + f[1] + f[2] + f[5] + f[6]) * 10; // user, nice, system, irq, softirq; clock ticks are 10 ms
}

function rssMb(pid) {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
}

const root = mkdtempSync(join(tmpdir(), 'lacp-bench-pty-'));
writeFileSync(
  join(root, 'tools.yaml'),
  `version: 1
defaults:
  max_parallel: 16
tools:
  seq:
    mode: interactive
    cmd: ${JSON.stringify(COMMAND)}
  idle:
    mode: interactive
    cmd: ["sh", "-c", "seq 1 12000; exec sleep 100000"]
`,
);
try {
  lacp(root, ['daemon', 'start']);
  const client = await DaemonClient.connect(workspacePaths(root).socket);
  const pid = Number(readFileSync(join(root, '.lacp', 'daemon.pid'), 'utf8'));
  const loadBefore = loadavg()[0];
  let raw = Infinity;
  let ours = Infinity;
  let daemonCpu = 0;
  let clientCpu = 0;
  let rawMachine = 0;
  let oursMachine = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const m0 = machineBusyMs();
    raw = Math.min(raw, (await rawNodePty()).ms);
    const [d0, c0, m1] = [cpuMs(pid), cpuMs(process.pid), machineBusyMs()];
    rawMachine += m1 - m0;
    ours = Math.min(ours, (await throughLacp(client)).ms);
    daemonCpu += cpuMs(pid) - d0;
    clientCpu += cpuMs(process.pid) - c0;
    oursMachine += machineBusyMs() - m1;
  }
  console.log(`seq 1 1000000: raw node-pty ${raw.toFixed(0)} ms, lacp with a client ${ours.toFixed(0)} ms (best of ${ROUNDS}; load average ${loadBefore.toFixed(1)} -> ${loadavg()[0].toFixed(1)})`);
  console.log(`per lacp round: daemon CPU ${(daemonCpu / ROUNDS).toFixed(0)} ms (main thread and screen worker), client CPU ${(clientCpu / ROUNDS).toFixed(0)} ms`);
  // Why the goal is out of reach on a small machine: raw node-pty alone (seq, the kernel's
  // tty, the reader) already keeps most of the cores busy, so every CPU millisecond the lacp
  // path adds (daemon, its screen worker, the client) lengthens the run.
  const cores = availableParallelism();
  console.log(`machine CPU per run (all processes): raw node-pty ${(rawMachine / ROUNDS).toFixed(0)} ms, lacp ${(oursMachine / ROUNDS).toFixed(0)} ms; on ${cores} cores lacp cannot finish before ${(oursMachine / ROUNDS / cores).toFixed(0)} ms`);
  const ratio = raw / ours;
  result({ name: 'pty: throughput vs raw node-pty (x)', value: Number(ratio.toFixed(2)), unit: 'x', goal: '>= 0.9', met: ratio >= 0.9 });

  // Idle PTYs with full scrollback, in two groups of IDLE_PTYS. The first group's figure also
  // holds whatever the heap does after the floods above (heap they left free is reused, so it
  // can read low; less left, and it reads high); the second group's is the cost of one more PTY.
  const addIdle = async () => {
    const group = [];
    for (let i = 0; i < IDLE_PTYS; i++) group.push((await client.request('submit', { tool: 'idle' })).task_id);
    // Full scrollback: wait until each screen shows the last line, then let the heap settle.
    for (const id of group) {
      for (;;) {
        try {
          const s = await client.request('screen', { task_id: id });
          if (s.lines.some((l) => l === '12000')) break;
        } catch {
          // not started yet
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    await new Promise((r) => setTimeout(r, 1000));
    return group;
  };
  const r0 = rssMb(pid);
  const ids = await addIdle();
  const r1 = rssMb(pid);
  ids.push(...(await addIdle()));
  const r2 = rssMb(pid);
  const first = (r1 - r0) / IDLE_PTYS;
  const perPty = (r2 - r1) / IDLE_PTYS;
  console.log(
    `daemon RSS ${r0.toFixed(1)} MB -> ${r1.toFixed(1)} MB with ${IDLE_PTYS} idle PTYs (${first.toFixed(1)} MB each) -> ` +
      `${r2.toFixed(1)} MB with ${2 * IDLE_PTYS} (${perPty.toFixed(1)} MB each for the second ${IDLE_PTYS}), full scrollback`,
  );
  result({ name: 'pty: daemon memory per idle PTY, first 8 after floods', value: Number(first.toFixed(1)), unit: 'MB', goal: null, met: null });
  result({ name: 'pty: daemon memory per idle PTY, full scrollback (next 8)', value: Number(perPty.toFixed(1)), unit: 'MB', goal: '<= 15', met: perPty <= 15 });
  await client.request('cancel', { task_ids: ids });
  client.close();
} finally {
  try {
    lacp(root, ['daemon', 'stop']);
  } catch {
    // already gone
  }
  rmSync(root, { recursive: true, force: true });
}
