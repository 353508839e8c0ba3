import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { REPO } from '../helpers/workspace.js';

export const TUI_BIN = join(REPO, 'bin', 'lacp-tui.js');
/** How often a wait looks at the screen again: capture-pane is cheap, and nothing pushes to us. */
const POLL_MS = 50;
const DEFAULT_WAIT_MS = 15_000;

let counter = 0;

/** lacp-tui running in a tmux pane on its own tmux server (socket), driven with send-keys, read with capture-pane. */
export class TmuxTui {
  readonly socket = `lacp-tui-test-${process.pid}-${++counter}`;

  constructor(
    readonly workspace: string,
    private readonly size = { cols: 160, rows: 48 },
  ) {}

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** Starts the UI; after it exits the pane shows its status and keeps its last screen (until kill). */
  start(args: string[] = [], env: Record<string, string> = {}): void {
    const vars = { LANG: 'C.UTF-8', LACP_WORKSPACE: this.workspace, ...env };
    // `env` on the command line too: tmux sets TERM in a pane itself, over `-e TERM=...`.
    const setEnv = Object.keys(env).length ? ['env', ...Object.entries(env).map(([k, v]) => `${k}=${v}`)] : [];
    const cmd = [...setEnv, process.execPath, TUI_BIN, ...args].map(shellQuote).join(' ');
    const hasServer = this.alive();
    if (!hasServer) {
      this.tmux('-f', '/dev/null', 'new-session', '-d', '-s', 'main', '-x', String(this.size.cols), '-y', String(this.size.rows), ...Object.entries(vars).flatMap(([k, v]) => ['-e', `${k}=${v}`]), 'sh');
      this.tmux('set-option', '-g', 'remain-on-exit', 'on');
    }
    this.tmux('respawn-pane', '-k', '-t', 'main', ...Object.entries(vars).flatMap(([k, v]) => ['-e', `${k}=${v}`]), `cd ${shellQuote(this.workspace)} && ${cmd}; echo "lacp-tui exited $?"; exec sleep 600`);
  }

  private alive(): boolean {
    try {
      this.tmux('has-session', '-t', 'main');
      return true;
    } catch {
      return false;
    }
  }

  screen(): string {
    return this.tmux('capture-pane', '-p', '-t', 'main');
  }

  lines(): string[] {
    return this.screen().split('\n');
  }

  /** Waits until the screen satisfies `test` (a regexp or a predicate), or fails showing the last screen. */
  async waitFor(test: RegExp | ((screen: string) => boolean), what = String(test), timeoutMs = DEFAULT_WAIT_MS): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let screen = '';
    while (Date.now() < deadline) {
      screen = this.screen();
      if (typeof test === 'function' ? test(screen) : test.test(screen)) return screen;
      await delay(POLL_MS);
    }
    throw new Error(`timed out waiting for ${what}; screen was:\n${screen}`);
  }

  keys(...keys: string[]): void {
    this.tmux('send-keys', '-t', 'main', ...keys);
  }

  type(text: string): void {
    this.tmux('send-keys', '-t', 'main', '-l', text);
  }

  resize(cols: number, rows: number): void {
    this.tmux('resize-window', '-t', 'main', '-x', String(cols), '-y', String(rows));
  }

  /** After the UI exited: its status, and whether it left the alternate screen or mouse reporting on. */
  async waitExit(timeoutMs = DEFAULT_WAIT_MS): Promise<{ status: number; alternate: boolean; mouse: boolean }> {
    const screen = await this.waitFor(/lacp-tui exited \d+/, 'lacp-tui to exit', timeoutMs);
    const [alt, mouse] = this.tmux('display-message', '-p', '-t', 'main', '#{alternate_on} #{mouse_any_flag}').trim().split(' ');
    return { status: Number(/lacp-tui exited (\d+)/.exec(screen)![1]), alternate: alt === '1', mouse: mouse === '1' };
  }

  /** Whether the pane's terminal is in the alternate screen and reports the mouse now. */
  modes(): { alternate: boolean; mouse: boolean } {
    const [alt, mouse] = this.tmux('display-message', '-p', '-t', 'main', '#{alternate_on} #{mouse_any_flag}').trim().split(' ');
    return { alternate: alt === '1', mouse: mouse === '1' };
  }

  /**
   * Pastes `text` as a terminal would: `paste-buffer -p` wraps it in the bracketed-paste
   * markers only if the app asked for them (CSI ? 2004 h), and turns its newlines into CRs.
   */
  paste(text: string): void {
    this.tmux('set-buffer', '-b', 'lacp-test', '--', text);
    this.tmux('paste-buffer', '-p', '-d', '-b', 'lacp-test', '-t', 'main');
  }

  /** The mouse modes the app in the pane asked tmux for (tmux encodes its clicks from these). */
  mouseModes(): { sgr: boolean; button: boolean; all: boolean; utf8: boolean; standard: boolean } {
    const [sgr, button, all, utf8, standard] = this.tmux('display-message', '-p', '-t', 'main', '#{mouse_sgr_flag} #{mouse_button_flag} #{mouse_all_flag} #{mouse_utf8_flag} #{mouse_standard_flag}').trim().split(' ');
    return { sgr: sgr === '1', button: button === '1', all: all === '1', utf8: utf8 === '1', standard: standard === '1' };
  }

  /** A left click (press and release, SGR reports) at the 1-based cell `col`,`row`, as a terminal reports it. */
  click(col: number, row: number): void {
    this.type(`\x1b[<0;${col};${row}M\x1b[<0;${col};${row}m`);
  }

  /** The lacp-tui process (the pane runs it under a small sh that reports its exit). */
  uiPid(): number {
    const shPid = this.tmux('display-message', '-p', '-t', 'main', '#{pane_pid}').trim();
    const children = readFileSync(`/proc/${shPid}/task/${shPid}/children`, 'utf8').trim().split(/\s+/);
    return Number(children[0]);
  }

  kill(): void {
    try {
      this.tmux('kill-server');
    } catch {
      // already gone
    }
  }
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
