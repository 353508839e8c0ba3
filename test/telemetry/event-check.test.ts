import { describe, expect, it } from 'vitest';
import { TelemetryEvent } from '../../src/core/events.js';
import { checkEvent, checkEventLine, EVENT_CHECKS } from '../../src/telemetry/event-check.js';
import { parseTelemetry } from '../../src/telemetry/telemetry-reader.js';

/**
 * event-check.ts must accept exactly what the zod registry accepts and return what
 * zod returns. These tests compare the two on every field of every event with a
 * battery of right and wrong values, so a change to core/events.ts that is not
 * mirrored in event-check.ts fails here.
 */

const TS = '2026-11-24T10:00:00.000Z';
const COMMON = { ts: TS, seq: 3, run_id: 'RUN-20261124-001', status: 'running', summary: 'a summary' };
const TASK = {
  ...COMMON,
  task_id: 't-1',
  tool: 'sh',
  mode: 'batch',
  phase: 'build',
  agent_role: null,
  log_paths: { stdout: 'tasks/t-1/stdout.log', stderr: 'tasks/t-1/stderr.log' },
};

/** One valid event per member of the union, with every optional key present. */
const SAMPLES: Record<string, Record<string, unknown>> = {
  run_started: { ...COMMON, event: 'run_started', title: 'a run' },
  task_queued: { ...TASK, event: 'task_queued', status: 'queued', argv: ['sh', '-c', 'true'], started_by: 'mcp' },
  checkpoint_required: { ...TASK, event: 'checkpoint_required', status: 'awaiting_checkpoint', checkpoint: 'before' },
  checkpoint_resolved: { ...TASK, event: 'checkpoint_resolved', decision: 'rejected', reason: 'no' },
  task_started: { ...TASK, event: 'task_started', pid: 4242 },
  cancel_requested: { ...TASK, event: 'cancel_requested', by: 'cli', reason: null },
  signal_sent: { ...TASK, event: 'signal_sent', signal: 'SIGTERM' },
  tool_event: { ...TASK, event: 'tool_event', tool_event_type: 'text', data: { type: 'text', text: 'hi', nested: [1, null] } },
  task_completed: {
    ...TASK,
    event: 'task_completed',
    status: 'failed',
    exit_code: 2,
    signal: null,
    duration_ms: 1500,
    artifacts: ['out.txt'],
    error_class: 'nonzero_exit',
    usage: { tokens: 1200, cost: 0.25 },
  },
};

type Def = { type: string; entries?: Record<string, string>; innerType?: { _zod: { def: Def } }; shape?: Record<string, { _zod: { def: Def } }>; values?: unknown[] };

/** Every enum and literal value the registry names, so each field is tried with all of them. */
function registryStrings(def: Def, into = new Set<string>()): Set<string> {
  if (def.entries) for (const v of Object.values(def.entries)) into.add(v);
  if (def.values) for (const v of def.values) if (typeof v === 'string') into.add(v);
  if (def.innerType) registryStrings(def.innerType._zod.def, into);
  if (def.shape) for (const field of Object.values(def.shape)) registryStrings(field._zod.def, into);
  return into;
}

const BATTERY: unknown[] = [
  ...registryStrings((TelemetryEvent as unknown as { _zod: { def: Def } })._zod.def),
  ...TelemetryEvent.options.flatMap((o) => [...registryStrings(o._zod.def as unknown as Def)]),
  null, '', 'x', true, false, 0, -0, 1, -1, 1.5, -2.5, 2 ** 53, 2 ** 53 - 1, -(2 ** 53), Infinity, -Infinity, NaN,
  [], ['a', 'b'], [1], ['a', null], {}, { stdout: 'a', stderr: 'b' }, { stdout: 'a' }, { tokens: 1, cost: 2 }, { tokens: -1, cost: 2 },
  TS, '2024-02-29T23:59:59.999Z', '2023-02-29T00:00:00.000Z', '2000-02-29T00:00:00.000Z', '1900-02-29T00:00:00.000Z',
  '2026-04-31T00:00:00.000Z', '2026-11-24T24:00:00.000Z', '2026-11-24T10:00:00Z', '2026-11-24T10:00:00.0000Z',
  '2026-11-24T10:00:00.000+00:00', '2026-11-24 10:00:00.000Z', '2026-11-24T10:00:60.000Z', ` ${TS}`,
];

function clone<T>(v: T): T {
  return structuredClone(v);
}

/** Every candidate derived from a sample: each key removed, set to each battery value, and an unknown key added. */
function* mutations(sample: Record<string, unknown>): Generator<unknown> {
  yield sample;
  yield { ...sample, unknown_key: 1 };
  for (const key of Object.keys(sample)) {
    const { [key]: _removed, ...without } = sample;
    yield without;
    for (const value of BATTERY) yield { ...sample, [key]: value };
    const nested = sample[key];
    if (nested && typeof nested === 'object' && !Array.isArray(nested) && key !== 'data') {
      yield { ...sample, [key]: { ...nested, extra: 'x' } };
      for (const inner of Object.keys(nested)) {
        const { [inner]: _gone, ...rest } = nested as Record<string, unknown>;
        yield { ...sample, [key]: rest };
        for (const value of BATTERY) yield { ...sample, [key]: { ...nested, [inner]: value } };
      }
    }
  }
}

function expectSameAsZod(candidate: unknown): void {
  const zod = TelemetryEvent.safeParse(clone(candidate));
  const mine = checkEvent(clone(candidate));
  if (!zod.success) {
    expect(mine, JSON.stringify(candidate)).toBeNull();
    return;
  }
  expect(mine, JSON.stringify(candidate)).toEqual(zod.data);
  // Same keys in the same order: `lacp events --json` prints what the reader returns.
  expect(JSON.stringify(mine)).toBe(JSON.stringify(zod.data));
}

describe('event-check against the zod registry', () => {
  it('knows exactly the events of the union, and each sample carries every key of its schema', () => {
    const names = TelemetryEvent.options.map((o) => o.shape.event.value as string);
    expect([...EVENT_CHECKS.keys()].sort()).toEqual([...names].sort());
    expect(Object.keys(SAMPLES).sort()).toEqual([...names].sort());
    for (const option of TelemetryEvent.options) {
      const sample = SAMPLES[option.shape.event.value as string]!;
      expect(Object.keys(sample).sort()).toEqual(Object.keys(option.shape).sort());
    }
  });

  it('accepts every sample and returns what zod returns', () => {
    for (const sample of Object.values(SAMPLES)) {
      expect(TelemetryEvent.safeParse(sample).success).toBe(true);
      expectSameAsZod(sample);
    }
  });

  it('agrees with zod on every key removed, every value wrong or right, and unknown keys dropped', () => {
    let compared = 0;
    for (const sample of Object.values(SAMPLES)) {
      for (const candidate of mutations(sample)) {
        expectSameAsZod(candidate);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(5_000);
  });

  it('rejects what is not an event object', () => {
    for (const raw of [null, 1, 'x', [], [SAMPLES.run_started], {}, { event: 'nope' }, { ...SAMPLES.run_started, event: 'toString' }]) {
      expect(TelemetryEvent.safeParse(raw).success).toBe(false);
      expect(checkEvent(raw)).toBeNull();
    }
  });
});

describe('checkEventLine and the reader', () => {
  it('parses JSON lines like parseEventLine: null for a torn or foreign line', () => {
    const line = JSON.stringify(SAMPLES.task_completed);
    expect(checkEventLine(line)).toEqual(TelemetryEvent.parse(SAMPLES.task_completed));
    expect(checkEventLine(line.slice(0, -5))).toBeNull();
    expect(checkEventLine('{"hello": "world"}')).toBeNull();
    // JSON can carry a number too large for a double: it parses as Infinity, which zod rejects.
    const huge = JSON.stringify(SAMPLES.task_started).replace('"pid":4242', '"pid":1e400');
    expect(huge).toContain('1e400');
    expect(checkEventLine(huge)).toBeNull();
  });

  it('skips lines that do not validate and leaves a torn last line for later', () => {
    const good = JSON.stringify(SAMPLES.task_started);
    const bad = JSON.stringify({ ...SAMPLES.task_started, seq: -1 });
    const text = `${good}\n${bad}\nnot json\n${good}\n${good.slice(0, 20)}`;
    const read = parseTelemetry(Buffer.from(text));
    expect(read.events).toHaveLength(2);
    expect(read.skipped).toBe(3);
    expect(read.offset).toBe(Buffer.byteLength(text) - 20);
  });
});
