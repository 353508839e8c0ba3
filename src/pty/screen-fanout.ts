import type { ScreenPush } from '../core/protocol.js';
import { scrolledOffSpan } from '../core/scrolled-off.js';

/**
 * Unacknowledged characters a client may have in flight. Past that, output for it
 * gathers until it acknowledges, and goes out as one message without the lines that
 * would scroll out of its screen and scrollback anyway: a client that parses slower than
 * the task writes gets the latest screen, not a backlog (the way tmux redraws a pane
 * rather than replaying it). A client acknowledges a whole message once parsed.
 */
export const SEND_WINDOW = 64 * 1024;
/**
 * While the PTY is paced (someone types into another one: typing-priority.ts), a client
 * gets this much output in flight instead of SEND_WINDOW, and the PTY is held back once
 * this much more has gathered for it, trimmed or not: each client then paces the task
 * at about this much output per acknowledgement. The UI parses its background panes
 * slowly while the user types, so their floods slow at the source and leave the CPU to
 * the echo. Otherwise a client that falls behind costs the task nothing: it gets the
 * latest screen when it asks for more.
 */
const PACED_WINDOW = 8 * 1024;
/**
 * Characters owed to one client (in flight and gathered, after trimming) past which the
 * PTY is held back for it: reached by output that cannot be trimmed (escape sequences,
 * a scroll region), not by a plain flood.
 */
export const HIGH_WATERMARK = 256_000;
/** ...and below which it lets the PTY go again: half-way, so the client is never left idle. */
export const LOW_WATERMARK = 128_000;
/** A client that has output waiting and acknowledges nothing for this long is dropped, not waited for. */
export const STALL_DROP_MS = 3_000;

export interface ScreenSubscriber {
  push(message: ScreenPush): void;
  /** Ends the subscription from the daemon's side (a stalled client). */
  drop(reason: string): void;
}

interface Entry {
  subscriber: ScreenSubscriber;
  /** Lines the client's terminal keeps above its screen: what scrolls out past them need not be sent. */
  scrollback: number;
  unacked: number;
  /** Output gathered while the client is over its window. */
  gathered: string;
  /** Characters of output gathered since the last send, trimmed or not. */
  gatheredRaw: number;
  /** Whether the stream was between escape sequences (and never set a scroll region) where `gathered` starts. */
  gatheredMayTrim: boolean;
  /** Since when the client has had output waiting without acknowledging any. */
  waitingSince: number | null;
}

/**
 * Sends one PTY's output to its clients, each at the pace it acknowledges, with
 * flow control: while any client is owed more than the high watermark the PTY is
 * paused; a client that does not catch up is dropped so the others and the task go on.
 */
export class ScreenFanout {
  private readonly entries = new Map<number, Entry>();
  private nextId = 1;
  private stallTimer: NodeJS.Timeout | null = null;
  private held = false;

  /** `rows`: the PTY's, which every client's terminal follows. `paced`: see PACED_WINDOW. */
  constructor(
    private readonly onHoldChange: (held: boolean) => void,
    private readonly rows: () => number,
    private readonly paced: () => boolean = () => false,
  ) {}

  get holding(): boolean {
    return this.held;
  }

  /** Output the fanout takes before it holds the PTY back (while it is paced): a batch should not wait past it. */
  get room(): number {
    if (!this.paced()) return Infinity;
    let room = Infinity;
    for (const entry of this.entries.values()) if (entry.unacked >= PACED_WINDOW) room = Math.min(room, PACED_WINDOW - entry.gatheredRaw);
    return Math.max(0, room);
  }

  add(subscriber: ScreenSubscriber, scrollback: number): number {
    const id = this.nextId++;
    this.entries.set(id, { subscriber, scrollback, unacked: 0, gathered: '', gatheredRaw: 0, gatheredMayTrim: false, waitingSince: null });
    return id;
  }

  remove(id: number): void {
    if (this.entries.delete(id)) this.evaluate();
  }

  ack(id: number, chars: number): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    entry.unacked = Math.max(0, entry.unacked - chars);
    entry.waitingSince = null;
    if (entry.gathered && entry.unacked < this.window()) this.send(entry);
    this.evaluate();
  }

  /**
   * The next piece of output. `mayTrim`: the stream is between escape sequences where
   * it starts and never set a scroll region (ScrolledOffFilter.canDrop), so plain lines
   * of it that scroll out of a client's terminal may be left out.
   */
  data(chunk: string, mayTrim: boolean): void {
    if (!chunk) return;
    const window = this.window();
    for (const entry of this.entries.values()) {
      if (!entry.gathered) entry.gatheredMayTrim = mayTrim;
      entry.gathered += chunk;
      entry.gatheredRaw += chunk.length;
      if (entry.unacked < window) this.send(entry);
      else {
        entry.waitingSince ??= Date.now();
        if (entry.gathered.length > PACED_WINDOW) this.trim(entry);
      }
    }
    this.evaluate();
  }

  /** Sends a non-data message (resize, exit) after whatever output precedes it. */
  control(message: ScreenPush): void {
    this.sendGathered();
    for (const entry of this.entries.values()) entry.subscriber.push(message);
    this.evaluate();
  }

  /** Sends what was gathered for each client now, window or not: a point in the stream (the PTY resizes). */
  sendGathered(): void {
    for (const entry of this.entries.values()) if (entry.gathered) this.send(entry);
  }

  dispose(): void {
    this.sendGathered();
    if (this.stallTimer) clearInterval(this.stallTimer);
    this.stallTimer = null;
    this.entries.clear();
  }

  /** Output a client may have in flight before more gathers for it. */
  private window(): number {
    return this.paced() ? PACED_WINDOW : SEND_WINDOW;
  }

  private send(entry: Entry): void {
    this.trim(entry);
    const data = entry.gathered;
    entry.gathered = '';
    entry.gatheredRaw = 0;
    entry.unacked += data.length; // first: a client in this process may acknowledge within push()
    entry.subscriber.push({ kind: 'data', data });
  }

  /** Leaves out of what is gathered the plain lines that scroll out of the client's terminal anyway. */
  private trim(entry: Entry): void {
    if (entry.gatheredMayTrim) {
      const span = scrolledOffSpan(entry.gathered, entry.scrollback + 2 * this.rows());
      if (span) entry.gathered = entry.gathered.slice(0, span.from) + entry.gathered.slice(span.to);
    }
  }

  private evaluate(): void {
    let over = false;
    let allLow = true;
    let waiting = false;
    const paced = this.paced();
    for (const entry of this.entries.values()) {
      const owed = entry.unacked + entry.gathered.length;
      if (owed > HIGH_WATERMARK || (paced && entry.gatheredRaw > PACED_WINDOW)) over = true;
      if (owed >= LOW_WATERMARK || (paced && entry.gatheredRaw > PACED_WINDOW / 2)) allLow = false;
      if (entry.waitingSince !== null) waiting = true;
    }
    if (over && !this.held) this.setHeld(true);
    else if (allLow && this.held) this.setHeld(false);
    if (waiting) this.stallTimer ??= setInterval(() => this.dropStalled(), STALL_DROP_MS / 4);
    else if (this.stallTimer) {
      clearInterval(this.stallTimer);
      this.stallTimer = null;
    }
  }

  private setHeld(held: boolean): void {
    this.held = held;
    this.onHoldChange(held);
  }

  private dropStalled(): void {
    const now = Date.now();
    for (const [id, entry] of this.entries) {
      if (entry.waitingSince !== null && now - entry.waitingSince >= STALL_DROP_MS) {
        this.entries.delete(id);
        entry.subscriber.drop(`dropped: ${entry.unacked} characters unacknowledged for ${STALL_DROP_MS} ms`);
      }
    }
    this.evaluate();
  }
}
