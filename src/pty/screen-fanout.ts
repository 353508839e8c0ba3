import type { ScreenPush } from '../core/protocol.js';

/** Output that follows other output this closely is gathered before it goes to clients: one message instead of hundreds. */
export const BATCH_MS = 5;
/** A batch this large goes out at once rather than waiting for the clock. */
const MAX_BATCH_CHARS = 64 * 1024;
/**
 * Unacknowledged characters past which a client holds the PTY back. A client acknowledges
 * a whole batch once parsed, so the window spans several batches: the client parses one
 * while the next is read. (VS Code's 100,000/5,000 assume acknowledgements every 5,000
 * characters; with per-batch ones they paused the PTY after every second batch.)
 */
export const HIGH_WATERMARK = 256_000;
/** ...and below which it lets the PTY go again: half-way, so the client is never left idle. */
export const LOW_WATERMARK = 128_000;
/** A client that stays over the high watermark this long is dropped, not waited for. */
export const STALL_DROP_MS = 3_000;

export interface ScreenSubscriber {
  push(message: ScreenPush): void;
  /** Ends the subscription from the daemon's side (a stalled client). */
  drop(reason: string): void;
}

interface Entry {
  subscriber: ScreenSubscriber;
  unacked: number;
  stalledSince: number | null;
}

/**
 * Sends one PTY's output to its clients: batched on a short clock, with
 * acknowledgement-based flow control. While any client is over the high watermark
 * the PTY is paused; a client that does not catch up is dropped so the others and
 * the task go on.
 */
export class ScreenFanout {
  private readonly entries = new Map<number, Entry>();
  private nextId = 1;
  private batch = '';
  private batchTimer: NodeJS.Timeout | null = null;
  /** When output last went to the clients (performance.now()). */
  private lastFlushAt = -Infinity;
  private stallTimer: NodeJS.Timeout | null = null;
  private held = false;

  constructor(private readonly onHoldChange: (held: boolean) => void) {}

  get holding(): boolean {
    return this.held;
  }

  add(subscriber: ScreenSubscriber): number {
    const id = this.nextId++;
    this.entries.set(id, { subscriber, unacked: 0, stalledSince: null });
    return id;
  }

  remove(id: number): void {
    if (this.entries.delete(id)) this.evaluate();
  }

  ack(id: number, chars: number): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    entry.unacked = Math.max(0, entry.unacked - chars);
    this.evaluate();
  }

  data(chunk: string): void {
    // Output after a quiet spell (a keystroke's echo, a prompt) goes at once: batching is
    // for floods, and the first chunk of one costs a single extra message.
    const quiet = this.batchTimer === null && performance.now() - this.lastFlushAt >= BATCH_MS;
    this.batch += chunk;
    if (quiet || this.batch.length >= MAX_BATCH_CHARS) this.flush();
    else this.batchTimer ??= setTimeout(() => this.flush(), BATCH_MS);
  }

  /** Sends a non-data message (resize, exit) after whatever output precedes it. */
  control(message: ScreenPush): void {
    this.flush();
    for (const entry of this.entries.values()) entry.subscriber.push(message);
  }

  flush(): void {
    if (this.batchTimer) clearTimeout(this.batchTimer);
    this.batchTimer = null;
    if (!this.batch) return;
    const data = this.batch;
    this.batch = '';
    this.lastFlushAt = performance.now();
    for (const entry of this.entries.values()) {
      entry.subscriber.push({ kind: 'data', data });
      entry.unacked += data.length;
    }
    this.evaluate();
  }

  dispose(): void {
    this.flush();
    if (this.stallTimer) clearInterval(this.stallTimer);
    this.stallTimer = null;
    this.entries.clear();
  }

  private evaluate(): void {
    const now = Date.now();
    let over = false;
    let allLow = true;
    for (const entry of this.entries.values()) {
      if (entry.unacked > HIGH_WATERMARK) {
        over = true;
        entry.stalledSince ??= now;
      } else if (entry.unacked < LOW_WATERMARK) {
        entry.stalledSince = null;
      }
      if (entry.unacked >= LOW_WATERMARK) allLow = false;
    }
    if (over && !this.held) this.setHeld(true);
    else if (allLow && this.held) this.setHeld(false);
  }

  private setHeld(held: boolean): void {
    this.held = held;
    this.onHoldChange(held);
    if (held && !this.stallTimer) this.stallTimer = setInterval(() => this.dropStalled(), STALL_DROP_MS / 4);
    if (!held && this.stallTimer) {
      clearInterval(this.stallTimer);
      this.stallTimer = null;
    }
  }

  private dropStalled(): void {
    const now = Date.now();
    for (const [id, entry] of this.entries) {
      if (entry.stalledSince !== null && now - entry.stalledSince >= STALL_DROP_MS) {
        this.entries.delete(id);
        entry.subscriber.drop(`dropped: ${entry.unacked} characters unacknowledged for ${STALL_DROP_MS} ms`);
      }
    }
    this.evaluate();
  }
}
