import type { TelemetryEvent } from '../core/events.js';
import { CHECKPOINT_KINDS, ERROR_CLASSES, TASK_MODES, TASK_STATUSES } from '../core/status-values.js';

/**
 * The telemetry readers' check of one parsed line, without zod: loading zod costs a
 * CLI ~100 ms (it is ~100 modules), more than `lacp ls` spends on its query. It
 * accepts exactly what `TelemetryEvent.safeParse` (core/events.ts, the registry and
 * the source of truth) accepts and returns the same value: unknown keys dropped, keys
 * in the schema's order. test/telemetry/event-check.test.ts holds the two equal,
 * key by key and value by value, so a field added to the registry fails that test
 * until it is added here too.
 */

const INVALID = Symbol('invalid');
/** Returns the accepted value (objects rebuilt without unknown keys) or INVALID. */
type Check = (value: unknown) => unknown;
/** A field: its key, its check, and whether the key may be absent (zod's `.optional()`). */
type Field = readonly [key: string, check: Check, optional?: 'optional'];

/** zod's `z.iso.datetime({ offset: false, precision: 3 })`: a real calendar date, UTC, milliseconds. */
const ISO_UTC_MILLIS = new RegExp(
  '^(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))' +
    'T(?:(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d\\.\\d{3}(?:Z))$',
);

const text: Check = (v) => (typeof v === 'string' ? v : INVALID);
const isoTime: Check = (v) => (typeof v === 'string' && ISO_UTC_MILLIS.test(v) ? v : INVALID);
/** z.number().int(): a safe integer (zod rejects larger ones as too big). */
const integer: Check = (v) => (Number.isSafeInteger(v) ? v : INVALID);
const count: Check = (v) => (Number.isSafeInteger(v) && (v as number) >= 0 ? v : INVALID);
/** z.number().nonnegative(): finite (zod rejects Infinity), >= 0. */
const amount: Check = (v) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : INVALID);
const texts: Check = (v) => (Array.isArray(v) && v.every((s) => typeof s === 'string') ? [...(v as string[])] : INVALID);
const anything: Check = (v) => v;
const oneOf =
  (values: readonly string[]): Check =>
  (v) =>
    typeof v === 'string' && values.includes(v) ? v : INVALID;
const nullable =
  (check: Check): Check =>
  (v) =>
    v === null ? null : check(v);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** z.object: every field checked in order, unknown keys dropped; an optional field may be absent. */
function object(fields: readonly Field[]): Check {
  // Plain arrays and an index loop: readers run this cold (a CLI exits before the JIT warms up),
  // where destructuring each field in a for-of cost several times the check itself.
  const keys = fields.map((f) => f[0]);
  const checks = fields.map((f) => f[1]);
  const optional = fields.map((f) => f[2] === 'optional');
  return (v) => {
    if (!isRecord(v)) return INVALID;
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const raw = v[key];
      if (raw === undefined && !(key in v)) {
        if (optional[i]) continue;
        return INVALID;
      }
      const value = checks[i]!(raw);
      if (value === INVALID) return INVALID;
      out[key] = value;
    }
    return out;
  };
}

const COMMON: readonly Field[] = [
  ['ts', isoTime],
  ['seq', count],
  ['run_id', text],
  ['status', oneOf(TASK_STATUSES)],
  ['summary', text],
];

const TASK_COMMON: readonly Field[] = [
  ...COMMON,
  ['task_id', text],
  ['tool', text],
  ['mode', oneOf(TASK_MODES)],
  ['phase', nullable(text)],
  ['agent_role', nullable(text)],
  ['log_paths', object([['stdout', text], ['stderr', text]])],
];

const event = (name: TelemetryEvent['event'], common: readonly Field[], own: readonly Field[]): [string, Check] => [
  name,
  object([...common, ['event', oneOf([name])], ...own]),
];

/** One entry per member of TelemetryEvent's discriminated union, fields in the schema's order. */
export const EVENT_CHECKS: ReadonlyMap<string, Check> = new Map([
  event('run_started', COMMON, [['title', nullable(text)]]),
  event('task_queued', TASK_COMMON, [
    ['argv', texts],
    ['started_by', nullable(text), 'optional'],
  ]),
  event('checkpoint_required', TASK_COMMON, [['checkpoint', oneOf(CHECKPOINT_KINDS.filter((k) => k !== 'none'))]]),
  event('checkpoint_resolved', TASK_COMMON, [
    ['decision', oneOf(['approved', 'rejected'])],
    ['reason', nullable(text)],
  ]),
  event('task_started', TASK_COMMON, [['pid', integer]]),
  event('cancel_requested', TASK_COMMON, [
    ['by', text],
    ['reason', nullable(text)],
  ]),
  event('signal_sent', TASK_COMMON, [['signal', text]]),
  event('tool_event', TASK_COMMON, [
    ['tool_event_type', text],
    ['data', anything],
  ]),
  event('task_completed', TASK_COMMON, [
    ['exit_code', nullable(integer)],
    ['signal', nullable(text)],
    ['duration_ms', count],
    ['artifacts', texts],
    ['error_class', nullable(oneOf(ERROR_CLASSES))],
    ['usage', nullable(object([['tokens', amount], ['cost', amount]])), 'optional'],
  ]),
]);

/** The event, as TelemetryEvent.safeParse would return it, or null where it would fail. */
export function checkEvent(raw: unknown): TelemetryEvent | null {
  if (!isRecord(raw) || typeof raw.event !== 'string') return null;
  const check = EVENT_CHECKS.get(raw.event);
  if (!check) return null;
  const value = check(raw);
  return value === INVALID ? null : (value as TelemetryEvent);
}

/** Parses one JSONL line like core/events.ts's parseEventLine: null for a torn or foreign line. */
export function checkEventLine(line: string): TelemetryEvent | null {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return null;
  }
  return checkEvent(raw);
}
