import type xtermHeadless from '@xterm/headless';
import { isPlain, ScrolledOffFilter } from '../core/scrolled-off.js';

type Terminal = InstanceType<typeof xtermHeadless.Terminal>;

interface Pending {
  data: string;
  done: () => void;
}

/**
 * Plain text may wait this long, or until this much of it is queued, before it is
 * parsed. For a terminal nobody watches (the daemon's), so that a flood is parsed in a
 * few large batches, most of which scroll out unparsed.
 */
export interface HoldPlain {
  ms: number;
  chars: number;
}

/**
 * Feeds a headless terminal its output one batch at a time: what arrives while a batch
 * is parsed waits, and goes in as the next batch, whole. In a flood, a batch then holds
 * many lines, and the plain lines of it that would scroll out of the scrollback anyway
 * are not parsed at all (see scrolled-off.ts). That is what lets one parser in
 * JavaScript keep up with `seq 1 1000000`; the screen and scrollback it ends with are
 * the ones parsing every line gives. Writes complete (`done`) in order; an empty write
 * is a point in the stream, done before anything written after it is parsed.
 *
 * With `hold`, plain text also waits while the terminal is idle (see HoldPlain), shrinking
 * to its last scrollback's worth of lines whenever it reaches the size limit. Anything
 * else (an escape sequence may be a query the program waits on an answer to) and any
 * point in the stream (a snapshot, a question) sends it on at once.
 */
export class TerminalFeed {
  private readonly queue: Pending[] = [];
  private busy = false;
  private readonly scrolledOff = new ScrolledOffFilter();
  /** Characters queued, and whether all of them are plain text (no empty write among them). */
  private queuedChars = 0;
  private queuedPlain = true;
  private holdTimer: NodeJS.Timeout | null = null;
  /** Held text is shrunk again only once it reaches this (twice what the last try kept). */
  private compactAgainAt = 0;
  /** Writes folded into held text (compactHeld) whose `done` is still to run. */
  private readonly foldedDone: (() => void)[] = [];

  constructor(
    readonly terminal: Terminal,
    private readonly hold: HoldPlain | null = null,
  ) {}

  write(data: string, done: () => void): void {
    this.queue.push({ data, done });
    this.queuedChars += data.length;
    if (this.hold) {
      this.queuedPlain &&= data !== '' && isPlain(data);
      const due = this.queuedChars >= Math.max(this.hold.chars, this.compactAgainAt);
      if (due && this.queuedPlain && this.scrolledOff.canDrop) this.compactHeld();
    }
    if (!this.busy) this.next();
  }

  /**
   * Held plain text that reached the size limit shrinks to what parsing it would leave:
   * the lines that scroll out are dropped now, not parsed later. So a flood is held (and
   * parsed) once, in a batch of about a scrollback's worth of lines, however long it runs.
   * The writes folded in are done at once (nothing of them is left to parse but the kept
   * text, which completes with the last of them), so whoever waits on them, such as a
   * backlog count, sees them gone.
   */
  private compactHeld(): void {
    const kept = this.scrolledOff.joinPlain(
      this.queue.map((p) => p.data),
      this.terminal.rows,
      this.scrollback,
    );
    // Long lines with few line feeds, queued while the terminal is busy, would otherwise be scanned at every write.
    this.compactAgainAt = 2 * kept.length;
    if (kept.length === this.queuedChars) return; // nothing scrolls out: a few long lines
    for (const p of this.queue.splice(0, this.queue.length - 1)) this.foldedDone.push(p.done);
    this.queue[0] = { data: kept, done: this.queue[0]!.done };
    this.queuedChars = kept.length;
    // In order: with or after the batch being parsed, if there is one (see send).
    if (!this.busy) queueMicrotask(() => this.busy || this.completeFolded());
  }

  private completeFolded(): void {
    for (const done of this.foldedDone.splice(0)) done();
  }

  /**
   * What is to be written next, without its plain lines that would scroll out anyway.
   * Only between batches (the terminal has parsed all it was given).
   */
  dropScrolledOff(text: string): string {
    return this.scrolledOff.drop(text, this.terminal.rows, this.scrollback);
  }

  private get scrollback(): number {
    return this.terminal.options.scrollback ?? 0;
  }

  /** The terminal starts over (a snapshot follows): what is queued is stale. */
  forget(): void {
    this.queue.length = 0;
    this.queuedChars = 0;
    this.queuedPlain = true;
    this.foldedDone.length = 0;
    this.compactAgainAt = 0;
    this.stopHolding();
    this.scrolledOff.reset();
  }

  private next(): void {
    if (this.queue.length === 0) return;
    if (this.holding()) {
      this.holdTimer ??= setTimeout(() => {
        this.holdTimer = null;
        this.send();
      }, this.hold!.ms);
      return;
    }
    this.send();
  }

  /** Plain text that may wait for more: the terminal is idle, and parsing it now would change no answer. */
  private holding(): boolean {
    return this.hold !== null && this.queuedPlain && this.queuedChars < this.hold.chars && this.scrolledOff.canDrop;
  }

  private stopHolding(): void {
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = null;
  }

  private send(): void {
    this.stopHolding();
    // An empty write marks a point in the stream (a resize, a question): its `done` runs
    // before anything written after it is parsed, so a batch ends there.
    const mark = this.queue.findIndex((p) => p.data === '');
    const batch = this.queue.splice(0, mark < 0 ? this.queue.length : mark + 1);
    if (batch.length === 0) return;
    this.busy = true;
    for (const p of batch) this.queuedChars -= p.data.length;
    this.compactAgainAt = 0;
    // Writes folded in before this batch complete with it, first.
    const foldedBefore = this.foldedDone.splice(0);
    // Known plain (held): joined without copying what is dropped, and without a second scan.
    const kept =
      this.hold && this.queuedPlain
        ? this.scrolledOff.joinPlain(batch.map((p) => p.data), this.terminal.rows, this.scrollback)
        : this.dropScrolledOff(batch.length === 1 ? batch[0]!.data : batch.map((p) => p.data).join(''));
    if (this.hold) this.queuedPlain = this.queue.every((p) => p.data !== '' && isPlain(p.data));
    this.scrolledOff.track(kept, this.terminal.rows);
    this.terminal.write(kept, () => {
      this.busy = false;
      for (const done of foldedBefore) done();
      for (const p of batch) p.done();
      this.completeFolded();
      this.next();
    });
  }
}
