/**
 * The status vocabulary as plain values, without zod: what `lacp ls` and the
 * telemetry reader need at startup. status.ts builds the zod enums from these
 * arrays, so the schema registry and these names cannot differ.
 */
export const TASK_STATUSES = [
  'queued',
  'awaiting_checkpoint',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'timed_out',
  'lost',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const FINAL_STATUSES: ReadonlySet<TaskStatus> = new Set([
  'succeeded',
  'failed',
  'cancelled',
  'timed_out',
  'lost',
]);

export const ERROR_CLASSES = ['nonzero_exit', 'timeout', 'cancelled', 'spawn_error', 'rejected', 'tool_error', 'lost'] as const;
export type ErrorClass = (typeof ERROR_CLASSES)[number];

export const TASK_MODES = ['batch', 'interactive'] as const;
export type TaskMode = (typeof TASK_MODES)[number];

export const CHECKPOINT_KINDS = ['none', 'before', 'after'] as const;
export type CheckpointKind = (typeof CHECKPOINT_KINDS)[number];

export function isTaskStatus(value: string): value is TaskStatus {
  return (TASK_STATUSES as readonly string[]).includes(value);
}

/** Exit code of `lacp run --wait` for a finished task: the contract's numbers. */
export function waitExitCode(outcome: {
  status: TaskStatus;
  error_class: ErrorClass | null;
  exit_code: number | null;
  signal: string | null;
}): number {
  if (outcome.status === 'timed_out') return 124;
  if (outcome.status === 'cancelled') return 130;
  if (outcome.error_class === 'spawn_error') return 1;
  if (outcome.exit_code !== null && outcome.exit_code !== 0) return outcome.exit_code;
  if (outcome.signal !== null && SIGNAL_NUMBERS[outcome.signal]) return 128 + SIGNAL_NUMBERS[outcome.signal]!;
  if (outcome.status === 'succeeded') return 0;
  return 1;
}

/** Linux numbers of the signals a task commonly dies of: a shell reports them as 128 + n. */
const SIGNAL_NUMBERS: Record<string, number> = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8, SIGKILL: 9,
  SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15,
};
