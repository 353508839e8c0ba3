import { closeSync, fdatasync, fdatasyncSync, fstatSync, ftruncateSync, openSync, writeFileSync, writeSync } from 'node:fs';
import type { EventDraft, TelemetryEvent } from '../core/events.js';
import { parseEventLine } from '../core/events.js';
import { readAt } from './read-at.js';

/** Longest the writer holds events in memory before they reach the disk. */
export const FLUSH_INTERVAL_MS = 50; // the contract allows 100 ms; half leaves room for a slow fdatasync
/** How much of a file's end is read to find the last record on open. */
const TAIL_PROBE_BYTES = 1 << 20;

/**
 * The one writer of a run's telemetry.jsonl. Stamps `ts` and a strictly increasing
 * `seq`, batches lines, and makes them durable (fdatasync) at least every
 * FLUSH_INTERVAL_MS and at once when asked (every task_completed). Lines are
 * written whole with one write; the fdatasync runs on libuv's pool so a slow disk
 * never stalls the daemon's loop (and the PTYs it reads).
 */
export class TelemetryWriter {
  private pending: string[] = [];
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Everything below this seq is on the disk. */
  private syncedSeq = 0;
  private syncing = false;
  private syncWaiters: { seq: number; resolve: () => void }[] = [];
  private closeAfterSync = false;

  private constructor(
    readonly file: string,
    private readonly fd: number,
    private nextSeq: number,
  ) {}

  /** Opens for appending. A torn last line (a crash mid-write) is moved aside first, so no record is glued to it. */
  static open(file: string, now: () => Date = () => new Date()): TelemetryWriter {
    const fd = openSync(file, 'a+', 0o644);
    const { tornBytes, lastSeq } = inspectTail(fd);
    if (tornBytes) {
      writeFileSync(`${file}.torn-${now().getTime()}`, tornBytes);
      ftruncateSync(fd, fstatSync(fd).size - tornBytes.length);
      fdatasyncSync(fd);
    }
    return new TelemetryWriter(file, fd, lastSeq + 1);
  }

  append(draft: EventDraft, { durable = false } = {}): TelemetryEvent {
    if (this.closed) throw new Error(`telemetry writer for ${this.file} is closed`);
    const event = { ts: new Date().toISOString(), seq: this.nextSeq++, ...draft } as TelemetryEvent;
    this.pending.push(`${JSON.stringify(event)}\n`);
    if (durable) void this.durable();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_INTERVAL_MS);
    return event;
  }

  /** Writes what is pending as whole lines and starts making them durable. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.length === 0) return;
    const chunk = Buffer.from(this.pending.join(''));
    this.pending = [];
    let written = 0;
    while (written < chunk.length) written += writeSync(this.fd, chunk, written);
    this.startSync();
  }

  /** Resolves once every event appended so far is on the disk. */
  durable(): Promise<void> {
    this.flush();
    const seq = this.nextSeq;
    if (this.syncedSeq >= seq) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push({ seq, resolve }));
  }

  private startSync(): void {
    if (this.syncing) return;
    this.syncing = true;
    const upTo = this.nextSeq - this.pending.length;
    fdatasync(this.fd, () => {
      this.syncing = false;
      this.syncedSeq = Math.max(this.syncedSeq, upTo);
      const ready = this.syncWaiters.filter((w) => w.seq <= this.syncedSeq);
      this.syncWaiters = this.syncWaiters.filter((w) => w.seq > this.syncedSeq);
      for (const w of ready) w.resolve();
      if (this.closeAfterSync) closeSync(this.fd);
      else if (this.syncedSeq < this.nextSeq - this.pending.length) this.startSync(); // lines written meanwhile
    });
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    fdatasyncSync(this.fd);
    this.closed = true;
    this.syncedSeq = this.nextSeq;
    for (const w of this.syncWaiters.splice(0)) w.resolve();
    // An fdatasync still running on the pool must not meet a closed (or reused) descriptor.
    if (this.syncing) this.closeAfterSync = true;
    else closeSync(this.fd);
  }
}

function inspectTail(fd: number): { tornBytes: Buffer | null; lastSeq: number } {
  const size = fstatSync(fd).size;
  if (size === 0) return { tornBytes: null, lastSeq: -1 };
  let start = Math.max(0, size - TAIL_PROBE_BYTES);
  let buf = readAt(fd, start, size - start);
  // A final record longer than the probe: read everything rather than guess.
  if (start > 0 && buf.lastIndexOf(0x0a) < 0) {
    start = 0;
    buf = readAt(fd, 0, size);
  }
  const lastNewline = buf.lastIndexOf(0x0a);
  const tornBytes = lastNewline === buf.length - 1 ? null : Buffer.from(buf.subarray(lastNewline + 1));
  const complete = buf.subarray(0, lastNewline + 1).toString('utf8').split('\n');
  let lastSeq = -1;
  for (let i = complete.length - 1; i >= 0 && lastSeq < 0; i--) {
    const event = complete[i] ? parseEventLine(complete[i]!) : null;
    if (event) lastSeq = event.seq;
  }
  return { tornBytes, lastSeq };
}
