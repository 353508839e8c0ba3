import xtermHeadless from '@xterm/headless';
import type { AttachResult, ScreenPush } from '../core/protocol.js';
import { useDisplayWidths } from '../core/display-width.js';
import type { DaemonClient } from './daemon-client.js';

const { Terminal } = xtermHeadless;
export type FollowedTerminal = InstanceType<typeof Terminal>;

export interface FollowOptions {
  taskId: string;
  mode: 'control' | 'view';
  cols: number | null;
  rows: number | null;
  scrollback: number;
  /** Called after output was parsed into the local terminal: time to (schedule a) draw. */
  onChange: () => void;
  onExit: (exit: { exit_code: number | null; signal: string | null }) => void;
  /** Decides when output is parsed (lacp-tui holds back background panes); default: at once. */
  parser?: OutputParser;
}

/** Parses a terminal's output in order, calling `done` after each write is parsed. */
export interface OutputParser {
  write(terminal: FollowedTerminal, data: string, done: () => void): void;
  /** The terminal starts over (or goes): output still queued for it is stale. */
  forget(terminal: FollowedTerminal): void;
}

const PARSE_AT_ONCE: OutputParser = {
  write: (terminal, data, done) => terminal.write(data, done),
  forget: () => undefined,
};

/**
 * A client's copy of a task's screen: a local headless terminal that starts from the
 * daemon's snapshot and follows the live stream, acknowledging what it has parsed
 * (flow control). Re-attaches by itself when the daemon drops it for falling behind.
 */
export class ScreenFollower {
  terminal: FollowedTerminal;
  private sub: number | null = null;
  private disposed = false;
  private readonly parser: OutputParser;

  private constructor(
    private readonly client: DaemonClient,
    private readonly opts: FollowOptions,
    first: AttachResult,
  ) {
    this.terminal = new Terminal({ cols: first.cols, rows: first.rows, scrollback: Math.max(opts.scrollback, 1000), allowProposedApi: true });
    useDisplayWidths(this.terminal);
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
    this.parser.forget(this.terminal);
    this.terminal.reset();
    this.parser.write(this.terminal, result.snapshot, () => this.opts.onChange());
    // Only now: pushes that arrived with the attach result are replayed synchronously by
    // subscribeTo, and they follow the snapshot.
    this.client.subscribeTo(result.sub, (data) => this.receive(data as ScreenPush));
    if (result.exited) queueMicrotask(() => this.opts.onExit({ exit_code: null, signal: null }));
  }

  private receive(push: ScreenPush): void {
    if (this.disposed) return;
    switch (push.kind) {
      case 'data': {
        const chars = push.data.length;
        this.parser.write(this.terminal, push.data, () => {
          this.opts.onChange();
          if (this.sub !== null) void this.client.request('ack', { sub: this.sub, chars }).catch(() => undefined);
        });
        return;
      }
      case 'resize':
        // After the output before it is parsed: that output was written at the old size.
        this.parser.write(this.terminal, '', () => {
          if (this.disposed) return;
          this.terminal.resize(push.cols, push.rows);
          this.opts.onChange();
        });
        return;
      case 'exit':
        this.parser.write(this.terminal, '', () => this.opts.onExit(push));
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
    this.parser.forget(this.terminal);
    this.terminal.dispose();
  }
}
