import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import type { EventOf, TelemetryEvent } from '../../src/core/events.js';
import { TaskRecord } from '../../src/core/task-record.js';
import type { Reply } from '../fixtures/model-server.js';
import { openCodeFixture, PRICE, type OpenCodeToolOptions } from './opencode-workspace.js';

const oc = openCodeFixture();

/** Runs the `oc` tool against a scripted model and waits for it to end. */
async function runOpenCode(script: Reply[], opts: OpenCodeToolOptions = {}, prompt = 'do the scripted thing') {
  const { ws } = await oc.start(script, opts);
  const { taskId, result } = await ws.run(['oc', '--prompt', prompt, '--wait']);
  const events = ws.taskEvents(taskId);
  const completed = events.find((e): e is EventOf<'task_completed'> => e.event === 'task_completed');
  if (!completed) throw new Error(`no task_completed: ${result.stderr}`);
  const taskDir = ws.runs.taskDir(completed.run_id, taskId);
  const record = TaskRecord.parse(JSON.parse(readFileSync(join(taskDir, 'task.json'), 'utf8')));
  return { taskId, result, events, completed, record, taskDir, toolEvents: events.filter(isToolEvent) };
}

function isToolEvent(e: TelemetryEvent): e is EventOf<'tool_event'> {
  return e.event === 'tool_event';
}

/**
 * Idle limit of the retry-loop test. OpenCode prints nothing from its start to its first
 * event, and starting costs it ~7 s of CPU: ~10 s on a 2-core machine running two test
 * files, a minute when the machine is heavily oversubscribed. The limit must cover the
 * start, or the test would end OpenCode before it ever reached the model.
 */
const IDLE_SEC = 40;
/** One real OpenCode run takes 5-10 s, several times that on a loaded machine. */
const OPENCODE_TEST_MS = 150_000;

/** Cost in dollars of one scripted step at the default usage (100 in, 20 out). */
const STEP_COST = (100 * PRICE.input + 20 * PRICE.output) / 1e6;

describe('opencode batch runs (real OpenCode, scripted model server)', { timeout: OPENCODE_TEST_MS }, () => {
  beforeAll(() => {
    // Fail fast with a clear reason rather than ten opaque timeouts.
    expect(existsSync(join(__dirname, '..', '..', 'node_modules', '.bin', 'opencode'))).toBe(true);
  });

  test('a tool call then an answer: events in order, tokens and cost summed, answer.md kept', async () => {
    const run = await runOpenCode([
      { kind: 'tool_calls', calls: [{ name: 'bash', arguments: { command: 'echo tool-ran > proof.txt && echo tool-ran', description: 'Write proof' } }] },
      { kind: 'text', text: 'The answer is 42.' },
    ]);
    expect(run.completed.status, run.completed.summary).toBe('succeeded');
    expect(run.result.exitCode).toBe(0);
    expect(run.toolEvents.map((e) => e.tool_event_type)).toEqual(['step_start', 'tool_use', 'step_finish', 'step_start', 'text', 'step_finish']);

    const toolUse = run.toolEvents.find((e) => e.tool_event_type === 'tool_use')!;
    expect(toolUse.data).toMatchObject({ tool: 'bash', status: 'completed', output: 'tool-ran\n' });
    expect(toolUse.summary).toContain('tool bash completed');
    expect(readFileSync(join(oc.ws.root, 'proof.txt'), 'utf8')).toBe('tool-ran\n');
    // The model saw the tool's result in its second request.
    expect(JSON.stringify(oc.server.requests.filter((r) => !r.title)[1]!.messages)).toContain('tool-ran');

    const usage = { tokens: 240, cost: 2 * STEP_COST };
    expect(run.completed.usage?.tokens).toBe(usage.tokens);
    expect(run.completed.usage?.cost).toBeCloseTo(usage.cost, 10);
    expect(run.record.usage).toEqual(run.completed.usage);
    expect(run.completed.artifacts).toContain('answer.md');
    expect(readFileSync(join(run.taskDir, 'artifacts', 'answer.md'), 'utf8')).toBe('The answer is 42.');
    // The raw JSON stream stays in the log, line for line.
    expect(readFileSync(join(run.taskDir, 'stdout.log'), 'utf8').trim().split('\n')).toHaveLength(6);
  });

  test('HTTP 400 from the model: failed, and the error event says why', async () => {
    const run = await runOpenCode([{ kind: 'http_error', status: 400, message: 'context too long for the scripted model' }]);
    expect(run.completed.status).toBe('failed');
    expect(run.completed.exit_code).not.toBe(0);
    const error = run.toolEvents.find((e) => e.tool_event_type === 'error')!;
    expect(error.data).toMatchObject({ name: 'APIError', status_code: 400, message: 'context too long for the scripted model' });
    expect(error.summary).toContain('context too long for the scripted model');
    expect(run.completed.artifacts).not.toContain('answer.md');
  });

  test('5xx from the model: OpenCode retries silently, the idle timeout ends it as timed_out', async () => {
    // OpenCode prints nothing from its start until its first event: the idle limit must cover a slow start.
    const run = await runOpenCode([{ kind: 'http_error', status: 503, message: 'overloaded' }], { idleTimeoutSec: IDLE_SEC });
    expect(run.completed.status).toBe('timed_out');
    expect(run.completed.error_class).toBe('timeout');
    expect(run.completed.summary).toBe(`no output for ${IDLE_SEC}s`);
    expect(run.result.exitCode).toBe(124);
    // The silence was the model being retried, not a start that never got to it.
    expect(oc.server.requests.filter((r) => !r.title).length).toBeGreaterThanOrEqual(1);
    expect(run.toolEvents).toEqual([]);
  }, 120_000); // the 40 s of silence, plus OpenCode's start and exit on a loaded machine

  test('a tool call that needs a permission: rejected, exit 0, but the task failed with tool_error', async () => {
    const run = await runOpenCode(
      [
        { kind: 'tool_calls', calls: [{ name: 'bash', arguments: { command: 'echo should-not-run > proof.txt', description: 'Write proof' } }] },
        { kind: 'text', text: 'never reached' },
      ],
      { permission: { bash: 'ask' } },
    );
    expect(run.completed.exit_code).toBe(0);
    expect(run.completed.status).toBe('failed');
    expect(run.completed.error_class).toBe('tool_error');
    expect(run.completed.summary).toContain('permission rejected for tool bash');
    expect(existsSync(join(oc.ws.root, 'proof.txt'))).toBe(false);
    const toolUse = run.toolEvents.find((e) => e.tool_event_type === 'tool_use')!;
    expect(toolUse.data).toMatchObject({ tool: 'bash', status: 'error' });
    expect(run.result.exitCode).toBe(1);
  });
});
