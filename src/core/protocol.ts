import { z } from 'zod';
import { ERROR_CODES } from './protocol-wire.js';

/**
 * The daemon's wire protocol. Framing: one JSON object per line (UTF-8, `\n`) over
 * the workspace's unix socket. A client sends requests `{v, id, method, params}`;
 * the daemon answers each with `{type: "response", id, ok, result | error}` and
 * pushes `{type: "event", sub, data}` on subscriptions. A request with another
 * `v` gets error `version_mismatch`. Errors carry a code from ErrorCode and a
 * message meant for the user as it is.
 */
export { MAX_FRAME_BYTES, PROTOCOL_VERSION } from './protocol-wire.js';
export type { PushEvent, Response, ServerMessage } from './protocol-wire.js';

export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

const optStr = z.string().nullable().default(null);

export const Methods = {
  hello: z.object({ client: z.string() }),
  status: z.object({}),
  stop: z.object({}),
  submit: z.object({
    tool: z.string(),
    prompt: optStr,
    set: z.record(z.string(), z.string()).default({}),
    run: optStr,
    new_run: z.boolean().default(false),
    phase: optStr,
    role: optStr,
    title: optStr,
    timeout_sec: z.number().positive().nullable().default(null),
    started_by: optStr,
    /** Interactive tasks: the pane size to start in (80x24 without). */
    cols: z.number().int().min(2).max(1000).nullable().default(null),
    rows: z.number().int().min(2).max(1000).nullable().default(null),
  }),
  wait: z.object({ task_id: z.string() }),
  cancel: z.object({ task_ids: z.array(z.string()).default([]), run_id: optStr, by: z.string().default('cli'), reason: optStr }),
  approve: z.object({ task_id: z.string() }),
  reject: z.object({ task_id: z.string(), reason: optStr }),
  tasks: z.object({}),
  /**
   * Interactive tasks. `attach` answers `{sub, cols, rows, snapshot, exited, exit_code, signal}`: the
   * serialized screen (write it into a fresh terminal of that size), then pushes
   * ScreenPush messages on `sub`. A client acknowledges the characters it has
   * processed with `ack`; past a high watermark of unacknowledged characters the
   * daemon stops sending to it, and drops it if it never catches up.
   * `view` clients (the mirror) can never send input or resize.
   */
  attach: z.object({
    task_id: z.string(),
    cols: z.number().int().min(2).max(1000).nullable().default(null),
    rows: z.number().int().min(2).max(1000).nullable().default(null),
    mode: z.enum(['control', 'view']).default('control'),
    /** Lines of history above the screen to include in the snapshot. */
    scrollback: z.number().int().min(0).max(100_000).default(0),
  }),
  ack: z.object({ sub: z.number().int(), chars: z.number().int().nonnegative() }),
  detach: z.object({ sub: z.number().int() }),
  input: z.object({ task_id: z.string(), data: z.string() }),
  resize: z.object({ task_id: z.string(), cols: z.number().int().min(2).max(1000), rows: z.number().int().min(2).max(1000) }),
  screen: z.object({ task_id: z.string() }),
  /** Starts the read-only browser mirror (or returns the running one): `{url, port}`; `stop` closes it and forgets its token. */
  mirror: z.object({ port: z.number().int().min(0).max(65535).nullable().default(null), stop: z.boolean().default(false) }),
  subscribe_events: z.object({ run_id: optStr }),
  unsubscribe: z.object({ sub: z.number().int() }),
} as const;
export type MethodName = keyof typeof Methods;
export type Params<M extends MethodName> = z.input<(typeof Methods)[M]>;
export type ParsedParams<M extends MethodName> = z.output<(typeof Methods)[M]>;

export const Request = z.object({
  v: z.number().int(),
  id: z.number().int(),
  method: z.string(),
  params: z.unknown().default({}),
});
export type Request = z.infer<typeof Request>;


/** A failure meant for the user; the daemon turns it into an error response. */
export class RequestError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

/** Outcome of a task as `wait` and `cancel` report it. */
export const TaskOutcome = z.object({
  task_id: z.string(),
  status: z.string(),
  exit_code: z.number().int().nullable(),
  signal: z.string().nullable(),
  error_class: z.string().nullable(),
  summary: z.string(),
});
export type TaskOutcome = z.infer<typeof TaskOutcome>;

/** What `attach` pushes: PTY output (a UTF-8 string, batched), size changes, and the end. */
export type ScreenPush =
  | { kind: 'data'; data: string }
  | { kind: 'resize'; cols: number; rows: number }
  | { kind: 'exit'; exit_code: number | null; signal: string | null }
  /** The daemon ended this subscription (the client fell too far behind): attach again to resync. */
  | { kind: 'dropped'; reason: string };

export interface AttachResult {
  sub: number;
  cols: number;
  rows: number;
  snapshot: string;
  exited: boolean;
  /** How the task ended, once `exited` (both null while it runs, or if it never started). */
  exit_code: number | null;
  signal: string | null;
}

export interface ScreenText {
  task_id: string;
  cols: number;
  rows: number;
  cursor: { x: number; y: number };
  /** The visible screen, one string per row, trailing spaces trimmed. */
  lines: string[];
}
