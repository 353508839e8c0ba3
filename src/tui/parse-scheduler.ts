/** What the scheduler feeds: a pane's headless terminal (xterm's `write(data, callback)`). */
export interface ParseTarget {
  write(data: string, done: () => void): void;
  /** Text without the lines that would scroll out of the terminal anyway (TerminalFeed). */
  dropScrolledOff?(text: string): string;
}

/**
 * Characters handed to the parsers of all background panes together per turn of the
 * event loop. xterm parses a write in 12 ms slices, one slice per terminal per timer
 * tick; four flooding panes then hold the loop ~50 ms a turn, and a keystroke's echo
 * waits behind them. A bounded share keeps a turn to a few ms (~20 MB/s of parse here),
 * so input and the selected pane's output are handled promptly, while the panes' flow
 * control (acks follow the parse) slows the floods at their source, as in tmux.
 */
const BACKGROUND_CHARS_PER_TURN = 64 * 1024;
/** A background pane's share never drops below this, however many panes flood. */
const MIN_CHUNK = 8 * 1024;
/**
 * While the user types, background panes get their share once a frame rather than every
 * turn: their floods then slow at the source and leave the CPU to the echo.
 */
const TYPING_BACKGROUND_INTERVAL_MS = 1000 / 60;
/**
 * ...and a smaller one: a keystroke that arrives while a background chunk is parsed waits
 * for it, and 64 KiB of a flood takes ~9 ms to parse here. 8 KiB a frame keeps that wait
 * near 1 ms (bench, four floods, A/B in one hour: echo p50 17-18 -> 13 ms, p95 37-42 -> 22-25 ms).
 */
const TYPING_BACKGROUND_CHARS_PER_FRAME = 8 * 1024;
const TYPING_MIN_CHUNK = 2 * 1024;

interface Pending {
  data: string;
  done: () => void;
}

interface Lane {
  queue: Pending[];
  /** A chunk handed to the parser and not yet parsed. */
  busy: boolean;
}

/**
 * Decides when pane output reaches the panes' parsers: the selected pane's at once, the
 * others' in bounded chunks, each pane's bytes in order.
 */
export class ParseScheduler {
  private readonly lanes = new Map<ParseTarget, Lane>();
  private selected: ParseTarget | null = null;
  private pumpQueued = false;
  private disposed = false;
  /** Until when (performance.now()) background panes are slowed for typing. */
  private typingUntil = 0;

  /** The pane keys go to (or the one on view): its output is never held back. */
  select(target: ParseTarget | null): void {
    if (this.selected === target) return;
    this.selected = target;
    this.schedulePump();
  }

  /** The user typed into the selected pane: slow the others down for `ms`. */
  typing(ms: number): void {
    this.typingUntil = performance.now() + ms;
  }

  write(target: ParseTarget, data: string, done: () => void): void {
    if (this.disposed) return;
    const lane = this.laneOf(target);
    if (target === this.selected && !lane.busy && lane.queue.length === 0) {
      this.hand(target, lane, data, [done]);
      return;
    }
    lane.queue.push({ data, done });
    this.schedulePump();
  }

  /** Forgets a pane (its follower is gone): what it still had queued is dropped. */
  forget(target: ParseTarget): void {
    this.lanes.delete(target);
    if (this.selected === target) this.selected = null;
  }

  dispose(): void {
    this.disposed = true;
    this.lanes.clear();
  }

  private laneOf(target: ParseTarget): Lane {
    let lane = this.lanes.get(target);
    if (!lane) this.lanes.set(target, (lane = { queue: [], busy: false }));
    return lane;
  }

  private schedulePump(): void {
    if (this.pumpQueued || this.disposed) return;
    this.pumpQueued = true;
    // setImmediate, not a microtask: the loop polls sockets and the keyboard before the next chunk.
    const run = () => {
      this.pumpQueued = false;
      this.pump();
    };
    if (performance.now() < this.typingUntil && !this.selectedWaiting()) setTimeout(run, TYPING_BACKGROUND_INTERVAL_MS);
    else setImmediate(run);
  }

  private selectedWaiting(): boolean {
    const lane = this.selected && this.lanes.get(this.selected);
    return !!lane && !lane.busy && lane.queue.length > 0;
  }

  private pump(): void {
    if (this.disposed) return;
    const waiting = [...this.lanes].filter(([, lane]) => !lane.busy && lane.queue.length > 0);
    const background = waiting.filter(([target]) => target !== this.selected).length;
    // One pane busy and none selected: nothing to keep responsive but the UI's own keys,
    // which xterm's 12 ms slices already let through. Hand it everything.
    const contended = this.selected !== null || waiting.length > 1;
    const typing = performance.now() < this.typingUntil;
    const [total, least] = typing ? [TYPING_BACKGROUND_CHARS_PER_FRAME, TYPING_MIN_CHUNK] : [BACKGROUND_CHARS_PER_TURN, MIN_CHUNK];
    const share = Math.max(least, Math.floor(total / Math.max(1, background)));
    for (const [target, lane] of waiting) {
      const limit = target === this.selected || !contended ? Infinity : share;
      if (limit !== Infinity) skipScrolledOff(target, lane.queue);
      const { data, dones } = take(lane.queue, limit);
      this.hand(target, lane, data, dones);
    }
  }

  private hand(target: ParseTarget, lane: Lane, data: string, dones: Array<() => void>): void {
    lane.busy = true;
    target.write(data, () => {
      lane.busy = false;
      for (const done of dones) done();
      if (lane.queue.length > 0 && this.lanes.get(target) === lane) this.schedulePump();
    });
  }
}

/**
 * A background pane gets its output a chunk at a time, each too short to hold a
 * scrollback's worth of lines; what it has queued may hold many. Those that would scroll
 * out anyway are dropped here, before chunking (the terminal has parsed all it was
 * handed: the lane is idle). Those writes become one, done when all of it is.
 */
function skipScrolledOff(target: ParseTarget, queue: Pending[]): void {
  const mark = queue.findIndex((p) => p.data === ''); // a point in the stream (a resize) ends the run
  const run = mark < 0 ? queue.length : mark;
  if (!target.dropScrolledOff || run === 0) return;
  const text = run === 1 ? queue[0]!.data : queue.slice(0, run).map((p) => p.data).join('');
  const kept = target.dropScrolledOff(text);
  if (kept.length === text.length) return;
  const dones = queue.slice(0, run).map((p) => p.done);
  queue.splice(0, run, { data: kept, done: () => dones.forEach((done) => done()) });
}

/**
 * Up to `limit` characters from the front of a queue, and the callbacks of the writes
 * it completes. A write cut short keeps its callback in the queue with its rest.
 */
function take(queue: Pending[], limit: number): { data: string; dones: Array<() => void> } {
  let data = '';
  const dones: Array<() => void> = [];
  while (queue.length > 0 && data.length < limit) {
    const head = queue[0]!;
    const room = limit - data.length;
    if (head.data.length <= room) {
      data += head.data;
      dones.push(head.done);
      queue.shift();
      // An empty write marks a point in the stream (a resize): what follows it waits for its done.
      if (head.data === '') break;
    } else {
      // Never split a UTF-16 surrogate pair: the parser would see half a character.
      let cut = room;
      const code = head.data.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut--;
      data += head.data.slice(0, cut);
      head.data = head.data.slice(cut);
      break;
    }
  }
  return { data, dones };
}
