import xtermHeadless from '@xterm/headless';
import type { AttachResult, ScreenPush } from '../core/protocol.js';
import { useDisplayWidths } from '../core/display-width.js';
import { TerminalFeed } from '../term/terminal-feed.js';
import type { DaemonClient } from './daemon-client.js';

const { Terminal } = xtermHeadless;
export type FollowedTerminal = InstanceType<typeof Terminal>;

export interface TaskExit {
  exit_code: number | null;
  signal: string | null;
}

export interface FollowOptions {
  taskId: string;
  mode: 'control' | 'view';
  cols: number | null;
  rows: number | null;
  /** Lines kept above the screen; also what the daemon is told (it skips output that would scroll out of them). */
  scrollback: number;
  /** Called after output was parsed into the local terminal: time to (schedule a) draw. */
  onChange: () => void;
  onExit: (exit: TaskExit) => void;
  /** Decides when output is parsed (lacp-tui holds back background panes); default: at once. */
  parser?: OutputParser;
}

/** Parses a terminal's output in order, calling `done` after each write is parsed. */
export interface OutputParser {
  write(feed: TerminalFeed, data: string, done: () => void): void;
  /** The terminal starts over (or goes): output still queued for it is stale. */
  forget(feed: TerminalFeed): void;
}

const PARSE_AT_ONCE: OutputParser = {
  write: (feed, data, done) => feed.write(data, done),
  forget: (feed) => feed.forget(),
};

/**
 * A client's copy of a task's screen: a local headless terminal that starts from the
 * daemon's snapshot and follows the live stream, acknowledging what it has parsed
 * (flow control). Re-attaches by itself when the daemon drops it for falling behind.
 */
export class ScreenFollower {
  readonly terminal: FollowedTerminal;
  /** The terminal's input: what the parser hands it goes through here. */
  readonly feed: TerminalFeed;
  /** How the task ended, once known: at once when it had ended before the attach (nothing live will follow). */
  exit: TaskExit | null = null;
  private sub: number | null = null;
  private disposed = false;
  private readonly parser: OutputParser;

  private constructor(
    private readonly client: DaemonClient,
    private readonly opts: FollowOptions,
    first: AttachResult,
  ) {
    this.terminal = new Terminal({ cols: first.cols, rows: first.rows, scrollback: opts.scrollback, allowProposedApi: true });
    useDisplayWidths(this.terminal);
    this.feed = new TerminalFeed(this.terminal);
    this.parser = opts.parser ?? PARSE_AT_ONCE;
    this.adopt(first);
  }

  static async start(client: DaemonClient, opts: FollowOptions): Promise<ScreenFollower> {
    const result = await client.request<AttachResult>('attach', { task_id: opts.taskId, mode: opts.mode, cols: opts.cols, rows: opts.rows, scrollback: opts.scrollback });
    return new ScreenFollower(client, opts, result);
  }

  private adopt(result: AttachResult): void {
    this.sub = result.sub;
    if (this.terminal.cols !== result.cols || this.terminal.rows !== result.rows) this.terminal.resize(result.cols, result.rows);
    this.parser.forget(this.feed);
    this.terminal.reset();
    this.parser.write(this.feed, result.snapshot, () => this.opts.onChange());
    // Only now: pushes that arrived with the attach result are replayed synchronously by
    // subscribeTo, and they follow the snapshot.
    this.client.subscribeTo(result.sub, (data) => this.receive(data as ScreenPush));
    if (result.exited) {
      const exit = { exit_code: result.exit_code, signal: result.signal };
      this.exit = exit;
      queueMicrotask(() => this.disposed || this.opts.onExit(exit));
    }
  }

  private receive(push: ScreenPush): void {
    if (this.disposed) return;
    switch (push.kind) {
      case 'data': {
        const chars = push.data.length;
        this.parser.write(this.feed, push.data, () => {
          this.opts.onChange();
          if (this.sub !== null) void this.client.request('ack', { sub: this.sub, chars }).catch(() => undefined);
        });
        return;
      }
      case 'resize':
        // After the output before it is parsed: that output was written at the old size.
        this.parser.write(this.feed, '', () => {
          if (this.disposed) return;
          this.terminal.resize(push.cols, push.rows);
          this.opts.onChange();
        });
        return;
      case 'exit':
        this.exit = { exit_code: push.exit_code, signal: push.signal };
        this.parser.write(this.feed, '', () => this.opts.onExit(push));
        return;
      case 'dropped':
        void this.resync();
        return;
    }
  }

  private async resync(): Promise<void> {
    if (this.sub !== null) this.client.unsubscribeFrom(this.sub);
    this.sub = null;
    const result = await this.client.request<AttachResult>('attach', { task_id: this.opts.taskId, mode: this.opts.mode, cols: null, rows: null, scrollback: this.opts.scrollback });
    this.adopt(result);
  }

  input(data: string): void {
    if (this.opts.mode !== 'control') return;
    void this.client.request('input', { task_id: this.opts.taskId, data }).catch(() => undefined);
    // Tells xterm the next output is likely the echo of a keystroke: it then parses that
    // write at once instead of on its next timer tick (as xterm.js does for typed input).
    this.terminal.input('', true);
  }

  resize(cols: number, rows: number): void {
    if (this.opts.mode === 'control') void this.client.request('resize', { task_id: this.opts.taskId, cols, rows }).catch(() => undefined);
  }

  dispose(): void {
    this.disposed = true;
    if (this.sub !== null) {
      this.client.unsubscribeFrom(this.sub);
      void this.client.request('detach', { sub: this.sub }).catch(() => undefined);
    }
    this.parser.forget(this.feed);
    this.terminal.dispose();
  }
}
