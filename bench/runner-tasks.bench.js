#!/usr/bin/env node
// Issue 2 benchmark: TASKS `true` tasks at max_parallel 8 through the workspace daemon
// (submit all over one connection, wait for all), against `xargs -P8 -n1 true` measured
// in the same run. Goal: at most 1.25x the baseline. Also printed: plain child_process.spawn
// of the same tasks, the floor for any Node spawner. Needs `npm run build` first.
// Usage: node bench/runner-tasks.bench.js [--tasks N] [--keep] [--profile DIR]
// --profile DIR: the daemon (only) writes a V8 CPU profile to DIR when it stops.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setTimeout as delay } from 'node:timers/promises';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const LACP = join(REPO, 'bin', 'lacp.js');
const { DaemonClient } = await import(join(REPO, 'dist/client/daemon-client.js'));
const { workspacePaths } = await import(join(REPO, 'dist/workspace/workspace-paths.js'));

const PARALLEL = 8;
const GOAL_RATIO = 1.25;
const { values } = parseArgs({ options: { tasks: { type: 'string', default: '1000' }, keep: { type: 'boolean' }, profile: { type: 'string' } } });
const TASKS = Number(values.tasks);

const result = (r) => console.log(`BENCH_RESULT ${JSON.stringify(r)}`);
const lacp = (root, args) => execFileSync(process.execPath, [LACP, ...args], { env: { ...process.env, LACP_WORKSPACE: root }, encoding: 'utf8' });

function baseline() {
  const input = Array.from({ length: TASKS }, (_, i) => String(i)).join('\n');
  const t = performance.now();
  const r = spawnSync('xargs', [`-P${PARALLEL}`, '-n1', 'true'], { input });
  if (r.status !== 0) throw new Error(`xargs failed: ${r.stderr}`);
  return performance.now() - t;
}

/** user+system CPU time of a process so far, in ms (fields 14 and 15 of /proc/PID/stat, in clock ticks). */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** Node refuses --cpu-prof in NODE_OPTIONS, so the daemon is started here with the flag, the way ensure-daemon starts it. */
async function startProfiledDaemon(root, dir) {
  const entry = join(REPO, 'dist/daemon/daemon-main.js');
  spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, entry, '--workspace', root], { detached: true, stdio: 'ignore' }).unref();
  const deadline = Date.now() + 10_000;
  while (!existsSync(join(root, '.lacp', 'daemon.pid'))) {
    if (Date.now() > deadline) throw new Error('the profiled daemon did not start');
    await delay(20); // no event to wait for across processes
  }
}

/**
 * The floor any Node process spawning these tasks stands on: child_process.spawn of `true`,
 * PARALLEL at a time, stdio ignored, nothing else. Node's spawn forks the whole calling
 * process and waits for the child's exec before it returns, so it costs far more than
 * xargs's fork of a tiny process; what lacp adds is what is above this line.
 */
function rawNodeSpawn() {
  return new Promise((resolve) => {
    const t = performance.now();
    let started = 0;
    let ended = 0;
    const next = () => {
      if (ended === TASKS) return resolve(performance.now() - t);
      while (started < TASKS && started - ended < PARALLEL) {
        started++;
        spawn('true', [], { stdio: 'ignore' }).on('exit', () => {
          ended++;
          next();
        });
      }
    };
    next();
  });
}

async function throughDaemon(root) {
  if (values.profile) await startProfiledDaemon(root, values.profile);
  else lacp(root, ['daemon', 'start']);
  const pid = Number(readFileSync(join(root, '.lacp', 'daemon.pid'), 'utf8'));
  const client = await DaemonClient.connect(workspacePaths(root).socket);
  try {
    const cpuBefore = cpuMs(pid);
    const t = performance.now();
    const submits = [];
    for (let i = 0; i < TASKS; i++) submits.push(client.request('submit', { tool: 't', new_run: i === 0 }));
    const ids = (await Promise.all(submits)).map((r) => r.task_id);
    const outcomes = await Promise.all(ids.map((task_id) => client.request('wait', { task_id })));
    const ms = performance.now() - t;
    const failed = outcomes.filter((o) => o.status !== 'succeeded');
    if (failed.length) throw new Error(`${failed.length} tasks did not succeed, e.g. ${JSON.stringify(failed[0])}`);
    return { ms, cpu: cpuMs(pid) - cpuBefore };
  } finally {
    client.close();
  }
}

const root = mkdtempSync(join(tmpdir(), 'lacp-bench-runner-'));
writeFileSync(join(root, 'tools.yaml'), `version: 1\ndefaults:\n  max_parallel: ${PARALLEL}\ntools:\n  t:\n    cmd: ["true"]\n`);
try {
  const base1 = baseline();
  const { ms: daemonMs, cpu: daemonCpu } = await throughDaemon(root);
  const base2 = baseline();
  const baseMs = Math.min(base1, base2); // the fairer of two runs around the daemon's
  const ratio = daemonMs / baseMs;
  const rawMs = await rawNodeSpawn();
  const pid = Number(readFileSync(join(root, '.lacp', 'daemon.pid'), 'utf8'));
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rss = /VmHWM:\s+(\d+)/.exec(status)?.[1];
  console.log(`${TASKS} x true, max_parallel ${PARALLEL}: daemon ${(daemonMs / 1000).toFixed(2)} s (${(daemonMs / TASKS).toFixed(2)} ms/task), xargs -P${PARALLEL} ${(baseMs / 1000).toFixed(2)} s (runs: ${base1.toFixed(0)} ms, ${base2.toFixed(0)} ms); ratio ${ratio.toFixed(2)}x (goal <= ${GOAL_RATIO}x)${ratio <= GOAL_RATIO ? '' : ' -- goal missed'}`);
  console.log(`floor: plain child_process.spawn of the same tasks from this process ${(rawMs / 1000).toFixed(2)} s = ${(rawMs / baseMs).toFixed(2)}x xargs`);
  console.log(`daemon CPU ${(daemonCpu / TASKS).toFixed(2)} ms/task (user+sys, robust to machine load); daemon peak RSS ${rss} kB; machine load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  result({ name: `${TASKS} true tasks via daemon (max_parallel ${PARALLEL})`, value: Number((daemonMs / 1000).toFixed(2)), unit: 's', goal: null, met: null });
  result({ name: 'daemon CPU per task', value: Number((daemonCpu / TASKS).toFixed(2)), unit: 'ms', goal: null, met: null });
  result({ name: `${TASKS} true via xargs -P${PARALLEL}`, value: Number((baseMs / 1000).toFixed(2)), unit: 's', goal: null, met: null });
  result({ name: 'plain Node spawn / xargs time ratio (floor)', value: Number((rawMs / baseMs).toFixed(2)), unit: 'x', goal: null, met: null });
  result({ name: 'daemon / xargs time ratio', value: Number(ratio.toFixed(2)), unit: 'x', goal: `<= ${GOAL_RATIO}x`, met: ratio <= GOAL_RATIO });
} finally {
  try {
    lacp(root, ['daemon', 'stop']);
  } catch {
    // already gone
  }
  if (!values.keep) rmSync(root, { recursive: true, force: true });
  else console.log(`kept ${root}`);
}
