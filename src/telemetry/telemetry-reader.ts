import { readFileSync } from 'node:fs';
import type { TelemetryEvent } from '../core/events.js';
import { checkEventLine } from './event-check.js';

export interface ReadResult {
  events: TelemetryEvent[];
  /** Lines that did not parse: a torn last line, or a foreign one. */
  skipped: number;
  /** Bytes consumed: everything up to the last newline. */
  offset: number;
  /** Bytes after the last newline: a line still being written (counted in `skipped` too). */
  torn: boolean;
  /** Why the file could not be read (a directory in its place, no permission): the run reads as empty. */
  unreadable?: string;
}

/**
 * Reads the whole lines of a telemetry file from `offset`; a torn last line is left for later. A file
 * that does not exist yet reads as empty; one that cannot be read too, with `unreadable` saying why.
 * Lines are checked with event-check.ts (the registry's acceptance, without loading zod).
 */
export function readTelemetry(file: string, offset = 0): ReadResult {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (err) {
    // One damaged run must not take every listing down with it: it reads as empty, and says why.
    const e = err as NodeJS.ErrnoException;
    return { events: [], skipped: 0, offset, torn: false, unreadable: e.code === 'ENOENT' ? undefined : `${e.code ?? 'error'}: ${e.message}` };
  }
  return parseTelemetry(buf.subarray(offset), offset);
}

export function parseTelemetry(buf: Buffer, baseOffset = 0): ReadResult {
  const end = buf.lastIndexOf(0x0a) + 1;
  const events: TelemetryEvent[] = [];
  let skipped = 0;
  for (const line of buf.subarray(0, end).toString('utf8').split('\n')) {
    if (!line) continue;
    const event = checkEventLine(line);
    if (event) events.push(event);
    else skipped++;
  }
  const torn = end < buf.length;
  if (torn) skipped++;
  return { events, skipped, offset: baseOffset + end, torn };
}

/** A run whose telemetry cannot be read, as `lacp ls` and `lacp events` say it. */
export function unreadableLine(runId: string, reason: string): string {
  return `${runId}: telemetry.jsonl unreadable (${reason}); listed without its events`;
}
