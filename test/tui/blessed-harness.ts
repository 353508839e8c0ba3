import blessed from 'blessed';
import { PassThrough } from 'node:stream';
import xtermHeadless from '@xterm/headless';
import { useDisplayWidths } from '../../src/core/display-width.js';

const { Terminal } = xtermHeadless;
export type HeadlessTerminal = InstanceType<typeof Terminal>;

/**
 * A blessed screen writing to a headless xterm instead of a TTY: what the UI would
 * show a user is read back as screen text and cells.
 */
export class ScreenHarness {
  readonly screen: blessed.Widgets.Screen;
  readonly host: HeadlessTerminal;
  /** Every byte blessed wrote, to check nothing but drawing got through. */
  written = '';
  private pending = Promise.resolve();

  /** `options`: more blessed screen options, e.g. the app's `autoPadding: false`. */
  constructor(cols: number, rows: number, colors = 256, options: Partial<blessed.Widgets.IScreenOptions> = {}) {
    this.host = new Terminal({ cols, rows, allowProposedApi: true });
    useDisplayWidths(this.host); // the user's terminal (tmux, a current terminal) has emoji two columns wide
    const output = Object.assign(new PassThrough(), { columns: cols, rows, isTTY: true });
    const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => undefined });
    output.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      this.written += text;
      this.pending = this.pending.then(() => new Promise<void>((resolve) => this.host.write(text, resolve)));
    });
    this.screen = blessed.screen({
      input, output, terminal: colors >= 256 ? 'xterm-256color' : 'xterm', fullUnicode: true, forceUnicode: true, warnings: false, ...options,
    } as blessed.Widgets.IScreenOptions);
    (this.screen as unknown as { tput: { brokenACS: boolean; colors: number } }).tput.brokenACS = true;
    (this.screen as unknown as { tput: { colors: number } }).tput.colors = colors;
  }

  /** Renders and waits until the host terminal has parsed everything. */
  async render(): Promise<void> {
    this.screen.render();
    await new Promise((r) => setImmediate(r));
    await this.pending;
  }

  lines(): string[] {
    const buf = this.host.buffer.active;
    const out: string[] = [];
    for (let y = 0; y < this.host.rows; y++) out.push(buf.getLine(buf.viewportY + y)?.translateToString(true) ?? '');
    return out;
  }

  dispose(): void {
    this.screen.destroy();
    this.host.dispose();
  }
}

export function writeTerm(term: HeadlessTerminal, data: string): Promise<void> {
  return new Promise((resolve) => term.write(data, resolve));
}
