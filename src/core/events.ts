import { z } from 'zod';
import { CheckpointKind, ErrorClass, TaskMode, TaskStatus } from './status.js';

/**
 * Telemetry events: the one registry. Writers build these, readers validate every
 * line with them, and the wire protocol carries them unchanged. The file readers
 * check lines with src/telemetry/event-check.ts (the same acceptance without loading
 * zod); test/telemetry/event-check.test.ts fails until a change here is made there too.
 */
const isoUtcMillis = z.iso.datetime({ offset: false, precision: 3 });

const common = {
  ts: isoUtcMillis,
  seq: z.number().int().nonnegative(),
  run_id: z.string(),
  status: TaskStatus,
  summary: z.string(),
};

export const LogPaths = z.object({ stdout: z.string(), stderr: z.string() });

const taskCommon = {
  ...common,
  task_id: z.string(),
  tool: z.string(),
  mode: TaskMode,
  phase: z.string().nullable(),
  agent_role: z.string().nullable(),
  log_paths: LogPaths,
};

export const RunStarted = z.object({ ...common, event: z.literal('run_started'), title: z.string().nullable() });
export const TaskQueued = z.object({
  ...taskCommon,
  event: z.literal('task_queued'),
  argv: z.array(z.string()),
  started_by: z.string().nullable().optional(),
});
export const CheckpointRequired = z.object({
  ...taskCommon,
  event: z.literal('checkpoint_required'),
  checkpoint: CheckpointKind.exclude(['none']),
});
export const CheckpointResolved = z.object({
  ...taskCommon,
  event: z.literal('checkpoint_resolved'),
  decision: z.enum(['approved', 'rejected']),
  reason: z.string().nullable(),
});
export const TaskStarted = z.object({ ...taskCommon, event: z.literal('task_started'), pid: z.number().int() });
export const CancelRequested = z.object({
  ...taskCommon,
  event: z.literal('cancel_requested'),
  by: z.string(),
  reason: z.string().nullable(),
});
export const SignalSent = z.object({ ...taskCommon, event: z.literal('signal_sent'), signal: z.string() });
export const ToolEvent = z.object({
  ...taskCommon,
  event: z.literal('tool_event'),
  tool_event_type: z.string(),
  data: z.unknown(),
});
export const TaskCompleted = z.object({
  ...taskCommon,
  event: z.literal('task_completed'),
  exit_code: z.number().int().nullable(),
  signal: z.string().nullable(),
  duration_ms: z.number().int().nonnegative(),
  artifacts: z.array(z.string()),
  error_class: ErrorClass.nullable(),
  usage: z
    .object({ tokens: z.number().nonnegative(), cost: z.number().nonnegative() })
    .nullable()
    .optional(),
});

export const TelemetryEvent = z.discriminatedUnion('event', [
  RunStarted,
  TaskQueued,
  CheckpointRequired,
  CheckpointResolved,
  TaskStarted,
  CancelRequested,
  SignalSent,
  ToolEvent,
  TaskCompleted,
]);
export type TelemetryEvent = z.infer<typeof TelemetryEvent>;
export type EventName = TelemetryEvent['event'];
export type EventOf<N extends EventName> = Extract<TelemetryEvent, { event: N }>;
export type TaskEvent = Exclude<TelemetryEvent, { event: 'run_started' }>;

/** What a producer supplies; the writer stamps `ts` and `seq`. */
export type EventDraft = TelemetryEvent extends infer E
  ? E extends TelemetryEvent
    ? Omit<E, 'ts' | 'seq'>
    : never
  : never;

/** Parses one JSONL line; returns null for a torn or foreign line instead of throwing. */
export function parseEventLine(line: string): TelemetryEvent | null {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return null;
  }
  const parsed = TelemetryEvent.safeParse(raw);
  return parsed.success ? parsed.data : null;
}
