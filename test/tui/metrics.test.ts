import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/runner-checks.js';
import type { TelemetryEvent } from '../../src/core/events.js';
import { initialState } from '../../src/tui/app-state.js';
import { ProcMetrics } from '../../src/tui/proc-metrics.js';
import { formatUsage, usageOf } from '../../src/tui/token-usage.js';
import { MetricsView } from '../../src/tui/view/metrics-view.js';
import { ScreenHarness } from './blessed-harness.js';

const base = { ts: '2026-01-01T00:00:00.000Z', seq: 1, run_id: 'RUN-1', status: 'running', summary: '', task_id: 't-1', tool: 'oc', mode: 'batch', phase: null, agent_role: null, log_paths: { stdout: 'a', stderr: 'b' } } as const;

let harness: ScreenHarness | null = null;
afterEach(() => harness?.dispose());

describe('metrics', () => {
  it('reads tokens and cost from step_finish tool events only', () => {
    const step = { ...base, event: 'tool_event', tool_event_type: 'step_finish', data: { tokens: { input: 1000, output: 200, reasoning: 34 }, cost: 0.0125 } } as TelemetryEvent;
    expect(usageOf(step)).toEqual({ tokens: 1234, cost: 0.0125 });
    expect(usageOf({ ...step, data: { tokens: { total: 99 }, cost: 'x' } } as TelemetryEvent)).toEqual({ tokens: 99, cost: 0 });
    expect(usageOf({ ...step, tool_event_type: 'text' } as TelemetryEvent)).toBeNull();
    expect(formatUsage({ tokens: 1234, cost: 0.0125 })).toBe('tokens 1.2k  cost $0.0125');
  });

  it('shows the counts, usage and sparklines', async () => {
    harness = new ScreenHarness(100, 8);
    const view = new MetricsView(harness.screen);
    view.place({ left: 0, top: 0, width: 100, height: 8 });
    const t = (status: string) => ({ ...base, status, title: null, queued_at: base.ts, started_at: null, ended_at: null, duration_ms: null, exit_code: null, error_class: null, started_by: null });
    const statuses = ['running', 'queued', 'awaiting_checkpoint', 'succeeded', 'failed', 'timed_out', 'lost', 'cancelled'];
    const state = { ...initialState(9), usage: { tokens: 5000, cost: 0.5 }, runs: [{ run_id: 'RUN-1', title: null, started_at: null, tasks: statuses.map(t) }] } as never;
    view.show(state, { eventsPerSec: [0, 3, 9, 1], cpuPercent: [0, 50, 100], usage: { cpuPercent: 12, rssBytes: 3 * 1024 * 1024 } });
    await harness.render();
    const text = harness.lines().join('\n');
    // A checkpoint waits for a human, not a slot; a cancel is a decision, not a failure.
    expect(text).toMatch(/running 1\s+queued 1\s+waiting 1/);
    expect(text).toMatch(/finished 5\s+failed 3\s+cancelled 1/);
    expect(text).toMatch(/cpu 12%\s+mem 3\.0M/);
    expect(text).toMatch(/tokens 5\.0k\s+cost \$0\.5000/);
    expect(text).toMatch(/events\/s:[\s\S]*[▁▂▃▄▅▆▇█]{4}/);
  });

  it('measures CPU and memory of a running process from /proc', () => {
    const proc = new ProcMetrics();
    proc.sample([process.pid], Date.now() - 1000);
    // Burn 100 ms of CPU time in this process (not of wall time: on a loaded machine 200 ms of wall time got no tick).
    const start = process.cpuUsage();
    while (process.cpuUsage(start).user < 100_000);
    const usage = proc.sample([process.pid])!;
    expect(usage.cpuPercent).toBeGreaterThan(0);
    expect(usage.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
  });

  describe('CPU is what processes used in the interval, not what they used before it', () => {
    const children: ChildProcess[] = [];
    afterEach(() => {
      for (const c of children.splice(0)) c.kill('SIGKILL');
    });
    /** A node process that burns `burnMs` of CPU time (not wall time: the machine is shared), then idles (a task that worked, now waits). */
    const worker = (burnMs: number) => {
      const child = spawn(process.execPath, ['-e', `while (process.cpuUsage().user < ${burnMs * 1000}); setInterval(() => {}, 1e6)`], { stdio: 'ignore' });
      children.push(child);
      return child.pid!;
    };
    /** utime + stime in clock ticks (1/100 s) from /proc. */
    const ticksOf = (pid: number) => {
      const rest = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return Number(rest[11]) + Number(rest[12]);
    };

    it('a task the UI sees for the first time (a restart, a task just listed) adds nothing for its past: idle is ~0%, not thousands', async () => {
      const pid = worker(600);
      await waitFor('the worker to have used 0.5 s of CPU', () => ticksOf(pid) >= 50, 10_000);
      await waitFor('the worker to go idle', () => {
        const before = ticksOf(pid);
        const end = Date.now() + 100;
        while (Date.now() < end);
        return ticksOf(pid) === before;
      }, 10_000);
      const proc = new ProcMetrics();
      const t0 = Date.now();
      proc.sample([], t0); // no running task known yet, as on lacp-tui's first tick
      const usage = proc.sample([pid], t0 + 1000)!;
      expect(usage.cpuPercent).toBeLessThan(10);
    });

    it('a task that ended in the interval does not hide what the others used', async () => {
      const idle = worker(600);
      await waitFor('the idle one to have used 0.5 s of CPU', () => ticksOf(idle) >= 50, 10_000);
      const busy = worker(60_000);
      const proc = new ProcMetrics();
      const t0 = Date.now();
      proc.sample([busy, idle], t0);
      const from = ticksOf(busy);
      children[0]!.kill('SIGKILL');
      await waitFor('the busy one to use 0.3 s more', () => ticksOf(busy) - from >= 30, 10_000);
      const t1 = Date.now();
      const usage = proc.sample([busy], t1)!;
      // The CPU time the figure stands for, whatever share of a core the busy one got on a loaded machine:
      // at least the 0.3 s it used (the ended one's past taken off the sum made it about nothing).
      const seconds = (usage.cpuPercent / 100) * ((t1 - t0) / 1000);
      expect(seconds).toBeGreaterThanOrEqual(0.29);
    });
  });
});
