#!/usr/bin/env node
// Benchmark of the SQLite index (issue 7): generates RUNS runs with EVENTS events in
// all into a temp workspace, times a full rebuild, then `lacp ls` and `lacp search`
// both as query functions (in this process, index open) and as the CLI end to end
// (a new node process each time, so Node's and lacp's startup are included), each CLI figure
// also shown above `node -e 0` and `lacp --version` measured in the same run.
// Prints figures; never fails on a missed goal. Needs `npm run build` first.
// Usage: node bench/index.bench.js [--runs N] [--events N] [--keep] [--reuse DIR]
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const LACP = join(REPO, 'bin', 'lacp.js');
const { RunIndex } = await import(join(REPO, 'dist/index-db/run-index.js'));
const { loadSqlite } = await import(join(REPO, 'dist/index-db/sqlite-driver.js'));
const { listRuns } = await import(join(REPO, 'dist/index-db/task-query.js'));
const { searchIndex } = await import(join(REPO, 'dist/index-db/search-query.js'));
const { listHistory } = await import(join(REPO, 'dist/index-db/run-history.js'));
const { TelemetryEvent } = await import(join(REPO, 'dist/core/events.js'));

const GOAL_EVENTS_PER_S = 50_000;
/** A figure for the summary `npm run bench` prints (bench/run-all.js). */
const result = (r) => console.log(`BENCH_RESULT ${JSON.stringify(r)}`);
const GOAL_QUERY_MS = 100;
/** Events per task: queued, started, tool events, completed (a chatty agent task). */
const EVENTS_PER_TASK = 100;
/** Timed repetitions of each query; the median is reported. */
const QUERY_REPEATS = 15;
const CLI_REPEATS = 5;

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '1000' },
    events: { type: 'string', default: '1000000' },
    keep: { type: 'boolean' },
    // A workspace kept by an earlier --keep: no generation and no rebuild, only the queries and the CLI.
    reuse: { type: 'string' },
  },
});
const RUNS = Number(values.runs);
const EVENTS = Number(values.events);

// ---- deterministic data ----
let seed = 7;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = (list) => list[Math.floor(rand() * list.length)];
const WORDS = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}`).concat(
  'parser lexer tokenizer build test review refactor timeout error warning module function cache index query'.split(' '),
);
const words = (n) => Array.from({ length: n }, () => pick(WORDS)).join(' ');
const TOOLS = ['opencode', 'sh', 'claude', 'pytest'];
const PHASES = ['plan', 'build', 'review', 'test', null];
const ROLES = ['planner', 'builder', 'reviewer', null];

function generate(runsDir) {
  const perRun = Math.floor(EVENTS / RUNS);
  let total = 0;
  const day0 = Date.parse('2026-10-01T00:00:00.000Z');
  for (let r = 0; r < RUNS; r++) {
    const day = new Date(day0 + Math.floor(r / 40) * 86_400_000);
    const runId = `RUN-${day.toISOString().slice(0, 10).replaceAll('-', '')}-${String((r % 40) + 1).padStart(3, '0')}`;
    const dir = join(runsDir, runId);
    mkdirSync(dir, { recursive: true });
    let clock = day.getTime() + (r % 40) * 600_000;
    let seq = 0;
    const lines = [];
    const push = (e) => lines.push(JSON.stringify({ ts: new Date((clock += 7)).toISOString(), seq: seq++, ...e }));
    push({ run_id: runId, event: 'run_started', status: 'running', summary: `run ${runId} started`, title: words(3) });
    const count = r === RUNS - 1 ? EVENTS - total : perRun; // the last run takes the remainder
    for (let t = 0; lines.length < count; t++) {
      const taskId = `t-${r.toString(36)}x${t}`;
      const base = {
        run_id: runId, task_id: taskId, tool: pick(TOOLS), mode: 'batch', phase: pick(PHASES), agent_role: pick(ROLES),
        log_paths: { stdout: `tasks/${taskId}/stdout.log`, stderr: `tasks/${taskId}/stderr.log` },
      };
      const room = Math.min(EVENTS_PER_TASK, count - lines.length);
      push({ ...base, event: 'task_queued', status: 'queued', summary: words(6), argv: ['opencode', 'run', words(4)] });
      if (room === 1) break;
      push({ ...base, event: 'task_started', status: 'running', summary: `started ${base.tool}`, pid: 1000 + t });
      for (let i = 0; i < room - 3; i++)
        push({ ...base, event: 'tool_event', status: 'running', summary: 'text', tool_event_type: 'text', data: { type: 'text', text: words(12) } });
      if (room === 2) break;
      const failed = rand() < 0.2;
      push({
        ...base, event: 'task_completed', status: failed ? 'failed' : 'succeeded', summary: failed ? `exited with 1: ${words(4)}` : 'exit 0',
        exit_code: failed ? 1 : 0, signal: null, duration_ms: Math.floor(rand() * 600_000), artifacts: [], error_class: failed ? 'nonzero_exit' : null,
      });
      mkdirSync(join(dir, 'tasks', taskId), { recursive: true });
      writeFileSync(join(dir, 'tasks', taskId, 'stdout.log'), `${words(150)}\n`);
      writeFileSync(join(dir, 'tasks', taskId, 'stderr.log'), failed ? `error: ${words(20)}\n` : '');
    }
    if (r === 0) for (const line of lines) TelemetryEvent.parse(JSON.parse(line)); // the generator speaks the registry
    writeFileSync(join(dir, 'telemetry.jsonl'), `${lines.join('\n')}\n`);
    total += lines.length;
  }
  return total;
}

function median(samples) {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timeMs(fn, repeats) {
  fn(); // warm: statement preparation, page cache
  const samples = [];
  for (let i = 0; i < repeats; i++) {
    const t = performance.now();
    fn();
    samples.push(performance.now() - t);
  }
  return median(samples);
}

async function timeAsyncMs(fn, repeats) {
  await fn();
  const samples = [];
  for (let i = 0; i < repeats; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return median(samples);
}

/** Generates the runs, then times a full rebuild of the index. */
function generateAndRebuild(index) {
  let t = performance.now();
  const generated = generate(runsDir);
  console.log(`index bench: generated ${RUNS} runs, ${generated} events in ${((performance.now() - t) / 1000).toFixed(1)}s (${root})`);

  t = performance.now();
  const cpu0 = process.cpuUsage();
  const report = index.rebuild();
  const rebuildS = (performance.now() - t) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  const rate = report.events / rebuildS;
  const dbMb = statSync(join(runsDir, 'index.sqlite')).size / 2 ** 20;
  console.log(
    `rebuild (RunIndex.rebuild, in process): ${report.events} events, ${report.outputs} outputs, ${report.skipped} skipped in ${rebuildS.toFixed(1)}s = ` +
      `${Math.round(rate)} events/s (goal >= ${GOAL_EVENTS_PER_S}: ${verdict(rate >= GOAL_EVENTS_PER_S)}); index ${dbMb.toFixed(0)} MB`,
  );
  result({ name: 'index rebuild', value: Math.round(rate), unit: 'events/s', goal: `>= ${GOAL_EVENTS_PER_S}`, met: rate >= GOAL_EVENTS_PER_S });
  // On a shared machine wall time includes waiting for a core; CPU time says what the rebuild itself costs.
  console.log(`  CPU time ${cpuS.toFixed(1)}s = ${Math.round(report.events / cpuS)} events per CPU-second; load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`);
}

const fmt = (ms) => `${ms.toFixed(1)} ms`;
const verdict = (ok) => (ok ? 'ok' : 'MISSED');

const root = values.reuse ?? mkdtempSync(join(tmpdir(), 'lacp-index-bench-'));
const runsDir = join(root, 'runs');
try {
  const sqlite = await loadSqlite();
  if (!sqlite.ok) {
    console.log(`index bench: better-sqlite3 unavailable (${sqlite.reason}); nothing to measure`);
    process.exit(0);
  }
  if (!values.reuse) mkdirSync(runsDir, { recursive: true });
  const index = RunIndex.open(runsDir, sqlite.open);
  if (values.reuse) console.log(`index bench: reusing ${root} (no generation, no rebuild)`);
  else generateAndRebuild(index);

  const rare = 'tokenizer';
  const common = WORDS[0];
  const rows = [
    ['ls: newest run (listRuns)', timeMs(() => listRuns(index.db, 'newest'), QUERY_REPEATS)],
    ['ls --all --status failed (listRuns)', timeMs(() => listRuns(index.db, 'all', { status: ['failed'] }), QUERY_REPEATS)],
    ['ls --all (listRuns, every task)', timeMs(() => listRuns(index.db, 'all'), QUERY_REPEATS)],
    [`search ${rare} (searchIndex)`, timeMs(() => searchIndex(index.db, rare), QUERY_REPEATS)],
    [`search ${common} (searchIndex, common word)`, timeMs(() => searchIndex(index.db, common), QUERY_REPEATS)],
    [`search "${rare} error" (searchIndex, two words)`, timeMs(() => searchIndex(index.db, `${rare} error`), QUERY_REPEATS)],
  ];
  index.close();
  const warn = (line) => console.log(`warning: ${line}`);
  rows.push(['ls: newest, with its catch-up (listHistory)', await timeAsyncMs(() => listHistory(runsDir, 'newest', {}, warn), QUERY_REPEATS)]);
  rows.push([
    'ls --all --status failed, full catch-up (listHistory)',
    await timeAsyncMs(() => listHistory(runsDir, 'all', { status: ['failed'] }, warn), QUERY_REPEATS),
  ]);

  const cli = (args) => () => execFileSync(process.execPath, [LACP, ...args, '--workspace', root], { stdio: ['ignore', 'ignore', 'inherit'] });
  // Two floors measured in this same run: Node starting and exiting, and lacp's own startup
  // (`--version` loads main.js only). On a machine where `node -e 0` alone takes ~100 ms the
  // raw end-to-end figure cannot meet the goal; what lacp adds above each floor can.
  const nodeFloor = await timeAsyncMs(async () => execFileSync(process.execPath, ['-e', '0'], { stdio: 'ignore' }), CLI_REPEATS);
  const versionFloor = await timeAsyncMs(async () => cli(['--version'])(), CLI_REPEATS);
  const cliRows = [
    ['lacp ls', await timeAsyncMs(async () => cli(['ls'])(), CLI_REPEATS)],
    ['lacp ls --status failed --tool sh', await timeAsyncMs(async () => cli(['ls', '--status', 'failed', '--tool', 'sh'])(), CLI_REPEATS)],
    [`lacp search ${rare}`, await timeAsyncMs(async () => cli(['search', rare])(), CLI_REPEATS)],
  ];
  console.log(`\nquery functions (median of ${QUERY_REPEATS}, goal < ${GOAL_QUERY_MS} ms):`);
  for (const [name, ms] of rows) console.log(`  ${name.padEnd(58)} ${fmt(ms).padStart(10)}  ${verdict(ms < GOAL_QUERY_MS)}`);
  console.log(`CLI end to end, new node process each (median of ${CLI_REPEATS}, goal < ${GOAL_QUERY_MS} ms; load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores):`);
  console.log(`  ${'node -e 0 (Node startup floor)'.padEnd(58)} ${fmt(nodeFloor).padStart(10)}`);
  console.log(`  ${'lacp --version (lacp startup floor)'.padEnd(58)} ${fmt(versionFloor).padStart(10)}  ${verdict(versionFloor < GOAL_QUERY_MS)}`);
  const over = (ms, floor) => `${ms - floor >= 0 ? '+' : ''}${(ms - floor).toFixed(1)}`;
  for (const [name, ms] of cliRows)
    console.log(
      `  ${name.padEnd(58)} ${fmt(ms).padStart(10)}  ${verdict(ms < GOAL_QUERY_MS).padEnd(6)}` +
        `  ${over(ms, nodeFloor).padStart(7)} ms over node -e 0, ${over(ms, versionFloor).padStart(7)} ms over --version`,
    );
  // For the summary of `npm run bench`.
  const slowest = Math.max(...rows.map(([, ms]) => ms));
  result({ name: 'index queries, slowest (in process)', value: +slowest.toFixed(1), unit: 'ms', goal: `< ${GOAL_QUERY_MS}`, met: slowest < GOAL_QUERY_MS });
  result({ name: 'node -e 0 (startup floor)', value: +nodeFloor.toFixed(1), unit: 'ms', goal: null, met: null });
  for (const [name, ms] of cliRows) result({ name: `${name} (end to end)`, value: +ms.toFixed(1), unit: 'ms', goal: `< ${GOAL_QUERY_MS}`, met: ms < GOAL_QUERY_MS });
} finally {
  if (!values.keep && !values.reuse) rmSync(root, { recursive: true, force: true });
}
