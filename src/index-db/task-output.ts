import { closeSync, fstatSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { sanitizeForTerminal } from '../core/terminal-text.js';
import { readAt } from '../telemetry/read-at.js';

/**
 * How much of each output stream is indexed: its head and its tail. A task can
 * write gigabytes; the start (what it was doing) and the end (how it failed) are
 * what a search is for, and this keeps a month of output small.
 */
export const OUTPUT_HEAD_BYTES = 64 * 1024;
export const OUTPUT_TAIL_BYTES = 64 * 1024;

export const OUTPUT_STREAMS = ['stdout', 'stderr'] as const;
export type OutputStream = (typeof OUTPUT_STREAMS)[number];

/** The indexable text of one log (head, then tail), escape sequences removed; '' when there is none. */
export function readBoundedOutput(runDir: string, relPath: string): string {
  let fd: number;
  try {
    fd = openSync(join(runDir, relPath), 'r');
  } catch {
    return '';
  }
  try {
    const size = fstatSync(fd).size;
    if (size <= OUTPUT_HEAD_BYTES + OUTPUT_TAIL_BYTES) return decode(readAt(fd, 0, size));
    const head = decode(readAt(fd, 0, OUTPUT_HEAD_BYTES));
    const tail = decode(readAt(fd, size - OUTPUT_TAIL_BYTES, OUTPUT_TAIL_BYTES));
    return `${head}\n…\n${tail}`;
  } finally {
    closeSync(fd);
  }
}

function decode(bytes: Buffer): string {
  return sanitizeForTerminal(bytes.toString('utf8'));
}
