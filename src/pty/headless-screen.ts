import xtermHeadless from '@xterm/headless';
import serializeAddon from '@xterm/addon-serialize';
import type { ScreenText } from '../core/protocol.js';
import { useDisplayWidths } from '../core/display-width.js';
import { type HoldPlain, TerminalFeed } from '../term/terminal-feed.js';

const { Terminal } = xtermHeadless;
const { SerializeAddon } = serializeAddon;
type HeadlessTerminal = InstanceType<typeof Terminal>;

/**
 * The daemon's model of one PTY's screen: a headless xterm fed with the task's
 * output, so a client that (re)attaches gets the screen as it is now, and queries
 * the program sends (device attributes, cursor position) get answers.
 */
export class HeadlessScreen {
  readonly terminal: HeadlessTerminal;
  private readonly serializer = new SerializeAddon();
  private readonly feed: TerminalFeed;
  /** Characters handed to the parser but not yet parsed: the parser's backlog. */
  private backlog = 0;
  /**
   * DECTCEM, which the serializer leaves out. Followed here rather than read from xterm's
   * core (term/cursor-hidden.ts): xterm.js keeps the cursor hidden across a full reset
   * (RIS), where terminals show it again.
   */
  private cursorHidden = false;

  /** `hold`: plain output may wait to be parsed in larger batches (a screen only read on request). */
  constructor(cols: number, rows: number, scrollback: number, hold: HoldPlain | null = null) {
    this.terminal = new Terminal({ cols, rows, scrollback, allowProposedApi: true });
    this.terminal.loadAddon(this.serializer);
    useDisplayWidths(this.terminal);
    this.feed = new TerminalFeed(this.terminal, hold);
    this.followCursorVisibility();
  }

  /** Watches the sequences that hide and show the cursor; xterm still handles each (false: not consumed). */
  private followCursorVisibility(): void {
    const names25 = (params: (number | number[])[]) => params.some((p) => p === 25);
    const parser = this.terminal.parser;
    parser.registerCsiHandler({ prefix: '?', final: 'h' }, (params) => ((this.cursorHidden &&= !names25(params)), false));
    parser.registerCsiHandler({ prefix: '?', final: 'l' }, (params) => ((this.cursorHidden ||= names25(params)), false));
    // RIS (ESC c) and DECSTR (CSI ! p) show it again.
    parser.registerEscHandler({ final: 'c' }, () => ((this.cursorHidden = false), false));
    parser.registerCsiHandler({ intermediates: '!', final: 'p' }, () => ((this.cursorHidden = false), false));
  }

  get pendingChars(): number {
    return this.backlog;
  }

  get cols(): number {
    return this.terminal.cols;
  }
  get rows(): number {
    return this.terminal.rows;
  }

  write(data: string, parsed?: () => void): void {
    this.backlog += data.length;
    this.feed.write(data, () => {
      this.backlog -= data.length;
      parsed?.();
    });
  }

  /** After what was written before it is parsed: that output was laid out at the old size. */
  resize(cols: number, rows: number): void {
    this.feed.write('', () => this.terminal.resize(cols, rows));
  }

  /** Replies the terminal owes the program (answers to its queries). */
  onReply(listener: (data: string) => void): void {
    this.terminal.onData(listener);
  }

  /**
   * Runs `fn` once everything written so far is parsed and before anything written
   * later is: the point where a snapshot matches the stream that follows it.
   */
  whenParsed(fn: () => void): void {
    this.feed.write('', fn);
  }

  /** The screen (and up to `scrollback` lines above it) as escape sequences a fresh terminal replays. */
  snapshot(scrollback: number): string {
    return this.serializer.serialize({ scrollback }) + (this.cursorHidden ? '\x1b[?25l' : '');
  }

  text(taskId: string): ScreenText {
    const buffer = this.terminal.buffer.active;
    const lines: string[] = [];
    for (let y = 0; y < this.terminal.rows; y++) lines.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '');
    return { task_id: taskId, cols: this.terminal.cols, rows: this.terminal.rows, cursor: { x: buffer.cursorX, y: buffer.cursorY }, lines };
  }

  dispose(): void {
    this.feed.forget();
    this.terminal.dispose();
  }
}
