import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventDraft } from '../../src/core/events.js';
import { MIRROR_RUNS, MirrorModel } from '../../src/mirror/mirror-model.js';
import { RunStore } from '../../src/telemetry/run-store.js';
import { TelemetryWriter } from '../../src/telemetry/telemetry-writer.js';

let dir: string | null = null;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

function task(runId: string, taskId: string) {
  return {
    run_id: runId,
    task_id: taskId,
    tool: 'gated',
    mode: 'batch' as const,
    phase: null,
    agent_role: null,
    log_paths: { stdout: `tasks/${taskId}/stdout.log`, stderr: `tasks/${taskId}/stderr.log` },
  };
}

function completed(runId: string, taskId: string, status: 'succeeded' | 'cancelled', artifacts: string[] = []): EventDraft {
  return {
    ...task(runId, taskId),
    event: 'task_completed',
    status,
    summary: status,
    exit_code: status === 'succeeded' ? 0 : null,
    signal: null,
    duration_ms: 5,
    artifacts,
    error_class: status === 'succeeded' ? null : 'cancelled',
  };
}

describe('mirror model', () => {
  it('folds checkpoint states and artifacts, and ignores a live event already read from the file', () => {
    dir = mkdtempSync(join(tmpdir(), 'lacp-mirror-model-'));
    const store = new RunStore(dir);
    const runId = store.create(new Date());
    const writer = TelemetryWriter.open(store.telemetryFile(runId));
    const cp = (taskId: string): EventDraft => ({ ...task(runId, taskId), event: 'checkpoint_required', status: 'awaiting_checkpoint', summary: 'waiting', checkpoint: 'before' });
    writer.append({ event: 'run_started', run_id: runId, status: 'running', title: 'demo', summary: 'started' });
    writer.append({ ...task(runId, 't-a'), event: 'task_queued', status: 'queued', summary: 'a', argv: ['sh'] });
    writer.append(cp('t-a'));
    writer.append({ ...task(runId, 't-b'), event: 'task_queued', status: 'queued', summary: 'b', argv: ['sh'] });
    writer.append(cp('t-b'));
    writer.append(completed(runId, 't-b', 'cancelled'));
    writer.flush();
    const model = new MirrorModel(store);
    model.load();
    const waiting = model.tree()[0]!.tasks;
    expect(waiting.map((t) => [t.task_id, t.status, t.checkpoint?.state])).toEqual([
      ['t-a', 'awaiting_checkpoint', 'waiting'],
      ['t-b', 'cancelled', 'unresolved'],
    ]);

    const resolved = writer.append({ ...task(runId, 't-a'), event: 'checkpoint_resolved', status: 'queued', summary: 'approved', decision: 'approved', reason: null });
    const done = writer.append(completed(runId, 't-a', 'succeeded', ['report.md']));
    expect(model.apply(resolved)).toBe('added');
    expect(model.apply(resolved)).toBe('old');
    expect(model.apply(done)).toBe('added');
    const a = model.tree()[0]!.tasks[0]!;
    expect([a.status, a.checkpoint?.state, a.artifacts]).toEqual(['succeeded', 'approved', ['report.md']]);
    expect(model.recentLog().map((l) => l.event).slice(-2)).toEqual(['checkpoint_resolved', 'task_completed']);
    writer.close();
  });

  it('notices an event it never saw (still buffered when the file was read) and reads it back', () => {
    dir = mkdtempSync(join(tmpdir(), 'lacp-mirror-model-'));
    const store = new RunStore(dir);
    const runId = store.create(new Date());
    const writer = TelemetryWriter.open(store.telemetryFile(runId));
    writer.append({ event: 'run_started', run_id: runId, status: 'running', title: null, summary: 'started' });
    const model = new MirrorModel(store);
    model.load(); // the run_started line is still in the writer's buffer
    writer.append({ ...task(runId, 't-x'), event: 'task_queued', status: 'queued', summary: 'x', argv: ['sh'] });
    const last = writer.append(completed(runId, 't-x', 'succeeded'));
    expect(model.apply(last)).toBe('gap');
    writer.flush();
    model.resync(runId);
    const run = model.tree()[0]!;
    expect(run.started_at).not.toBeNull();
    expect(run.tasks.map((t) => [t.task_id, t.status, t.title])).toEqual([['t-x', 'succeeded', 'x']]);
    writer.close();
  });

  it(`keeps the newest ${MIRROR_RUNS} runs, newest first`, () => {
    dir = mkdtempSync(join(tmpdir(), 'lacp-mirror-model-'));
    const store = new RunStore(dir);
    const model = new MirrorModel(store);
    model.load();
    const ids: string[] = [];
    for (let i = 0; i < MIRROR_RUNS + 2; i++) {
      const runId = store.create(new Date());
      ids.push(runId);
      const writer = TelemetryWriter.open(store.telemetryFile(runId));
      model.apply(writer.append({ event: 'run_started', run_id: runId, status: 'running', title: null, summary: 'started' }));
      writer.close();
    }
    expect(model.tree().map((r) => r.run_id)).toEqual(ids.slice(-MIRROR_RUNS).reverse());
  });
});
