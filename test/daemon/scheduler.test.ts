import { afterAll, describe, expect, it } from 'vitest';
import type { TelemetryEvent } from '../../src/core/events.js';
import { DaemonClient } from '../../src/client/daemon-client.js';
import { Scheduler, type Schedulable } from '../../src/daemon/scheduler.js';
import { workspacePaths } from '../../src/workspace/workspace-paths.js';
import { TestWorkspace } from '../helpers/workspace.js';
import { disposeChecked, validateWorkspaceFiles, waitFor } from '../helpers/runner-checks.js';

class Item implements Schedulable {
  queued = true;
  constructor(
    readonly name: string,
    readonly tool: string,
    readonly toolLimit: number | undefined,
    private readonly admitted: string[],
  ) {}
  admit(): void {
    this.queued = false;
    this.admitted.push(this.name);
  }
  stillQueued(): boolean {
    return this.queued;
  }
}

describe('Scheduler (unit)', () => {
  it('FIFO under the global limit; a freed slot is refilled at once, in the same call', () => {
    const admitted: string[] = [];
    const s = new Scheduler<Item>(() => 2);
    const items = ['a', 'b', 'c', 'd'].map((n) => new Item(n, 't', undefined, admitted));
    for (const it of items) s.enqueue(it);
    expect(admitted).toEqual(['a', 'b']);
    expect([s.runningCount, s.queuedCount]).toEqual([2, 2]);
    s.release(items[1]!);
    expect(admitted).toEqual(['a', 'b', 'c']);
    s.release(items[0]!);
    expect(admitted).toEqual(['a', 'b', 'c', 'd']);
    s.release(items[0]!); // a second release of the same task frees nothing
    expect(s.runningCount).toBe(2);
  });

  it('a tool at its own limit does not hold up other tools behind it', () => {
    const admitted: string[] = [];
    const s = new Scheduler<Item>(() => 3);
    const l1 = new Item('l1', 'limited', 1, admitted);
    const l2 = new Item('l2', 'limited', 1, admitted);
    const o1 = new Item('o1', 'other', undefined, admitted);
    for (const it of [l1, l2, o1]) s.enqueue(it);
    expect(admitted).toEqual(['l1', 'o1']);
    s.release(l1);
    expect(admitted).toEqual(['l1', 'o1', 'l2']);
  });

  it('tasks that left the queue (cancelled) are skipped', () => {
    const admitted: string[] = [];
    const s = new Scheduler<Item>(() => 1);
    const a = new Item('a', 't', undefined, admitted);
    const b = new Item('b', 't', undefined, admitted);
    const c = new Item('c', 't', undefined, admitted);
    for (const it of [a, b, c]) s.enqueue(it);
    b.queued = false;
    expect(s.queuedCount).toBe(1);
    s.release(a);
    expect(admitted).toEqual(['a', 'c']);
  });
});

const GLOBAL = 3;
const ws = new TestWorkspace(`
version: 1
defaults:
  max_parallel: ${GLOBAL}
tools:
  short:
    cmd: ["sleep", "0.3"]
  limited:
    cmd: ["sleep", "0.3"]
    max_parallel: 1
`);
afterAll(async () => {
  validateWorkspaceFiles(ws.root);
  await disposeChecked(ws);
});

/** Replays the events in seq order: how many tasks ran at once, overall and per tool. */
function concurrency(events: TelemetryEvent[]) {
  const running = new Map<string, string>(); // task -> tool
  let maxAll = 0;
  const maxTool = new Map<string, number>();
  for (const e of [...events].sort((a, b) => a.seq - b.seq)) {
    if (e.event === 'task_started') running.set(e.task_id, e.tool);
    if (e.event === 'task_completed') running.delete(e.task_id);
    maxAll = Math.max(maxAll, running.size);
    for (const tool of new Set(running.values()))
      maxTool.set(tool, Math.max(maxTool.get(tool) ?? 0, [...running.values()].filter((t) => t === tool).length));
  }
  return { maxAll, maxTool };
}

describe('max_parallel through the daemon, read from the events', () => {
  it('global and per-tool limits are never exceeded; the queue is FIFO; the limit is reached', async () => {
    expect((await ws.lacp(['daemon', 'start'])).exitCode).toBe(0);
    const client = await DaemonClient.connect(workspacePaths(ws.root).socket);
    const submitted: { task_id: string; tool: string }[] = [];
    try {
      // Submitted in one burst over one connection, so the queue really fills.
      const tools = ['short', 'limited', 'short', 'short', 'limited', 'short', 'short', 'limited', 'short', 'short', 'short', 'limited'];
      for (const tool of tools) {
        const r = await client.request<{ task_id: string }>('submit', { tool, new_run: submitted.length === 0 });
        submitted.push({ task_id: r.task_id, tool });
      }
      await Promise.all(submitted.map((s) => client.request('wait', { task_id: s.task_id })));
    } finally {
      client.close();
    }
    const events = ws.events();
    const { maxAll, maxTool } = concurrency(events);
    expect(maxAll).toBe(GLOBAL);
    expect(maxTool.get('limited')).toBe(1);
    // FIFO: within a tool, tasks start in the order they were queued.
    const startOrder = events.filter((e) => e.event === 'task_started').map((e) => (e as { task_id: string }).task_id);
    for (const tool of ['short', 'limited'])
      expect(startOrder.filter((id) => submitted.find((s) => s.task_id === id)!.tool === tool)).toEqual(
        submitted.filter((s) => s.tool === tool).map((s) => s.task_id),
      );
    expect(events.filter((e) => e.event === 'task_completed' && e.status === 'succeeded')).toHaveLength(submitted.length);
  });

  it('a slot freed by a task is taken by the next queued task before any other task ends', async () => {
    // With every slot busy and tasks queued, each task_completed is followed by a task_started
    // (the refill) while the others still run: the running count never drops below the limit then.
    const events = [...ws.events()].sort((a, b) => a.seq - b.seq);
    const total = events.filter((e) => e.event === 'task_queued').length;
    let started = 0;
    let running = 0;
    let lowWhileQueued = Infinity;
    for (const e of events) {
      if (e.event === 'task_started') {
        started++;
        running++;
      }
      if (e.event === 'task_completed') running--;
      if (e.event === 'task_started' && started >= GLOBAL && started < total) lowWhileQueued = Math.min(lowWhileQueued, running);
    }
    expect(lowWhileQueued).toBeGreaterThanOrEqual(GLOBAL - 1);
    await waitFor('nothing left running', async () => {
      const s = JSON.parse((await ws.lacp(['daemon', 'status', '--json'])).stdout) as { running: number; queued: number };
      return s.running === 0 && s.queued === 0;
    });
  });
});
