/**
 * The framing and message shapes of the daemon's protocol, without zod: what a client
 * needs to talk to the daemon (protocol.ts holds the methods' schemas, which the
 * daemon checks). A scripted `lacp run` then starts without loading zod at all.
 */
export const PROTOCOL_VERSION = 1;
/** A line longer than this closes the connection: no client of ours sends one. */
export const MAX_FRAME_BYTES = 4 << 20;

export const ERROR_CODES = ['bad_request', 'bad_config', 'not_found', 'invalid_state', 'version_mismatch', 'internal'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export type Response =
  | { type: 'response'; id: number; ok: true; result: unknown }
  | { type: 'response'; id: number; ok: false; error: { code: ErrorCode; message: string } };

export interface PushEvent {
  type: 'event';
  sub: number;
  data: unknown;
}

export type ServerMessage = Response | PushEvent;
