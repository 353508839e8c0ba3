import type blessed from 'blessed';
import { RESTORE_TERMINAL } from '../term/ansi-frame.js';
import type { Log } from './tui-log.js';

/** Exit status for a signal, as shells report it. */
const SIGNAL_EXIT: Record<string, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

/**
 * Whatever ends the UI, the user's terminal comes back as it was: main screen,
 * cooked mode, no mouse reporting (every mode, SGR 1006 included), no bracketed
 * paste (a shell after us would otherwise get ESC[200~ around each paste), cursor
 * shown: RESTORE_TERMINAL resets them all. Installed before the screen takes the
 * terminal; `restore` is idempotent.
 */
export class TerminalGuard {
  private screen: blessed.Widgets.Screen | null = null;
  private restored = false;

  constructor(private readonly log: Log) {}

  install(): void {
    for (const signal of Object.keys(SIGNAL_EXIT) as NodeJS.Signals[])
      process.on(signal, () => {
        this.log.write(`${signal}: restoring the terminal and exiting`);
        this.restore();
        process.exit(SIGNAL_EXIT[signal]);
      });
    const fatal = (err: unknown) => {
      this.log.write(`fatal: ${(err as Error)?.stack ?? String(err)}`);
      this.restore();
      process.stderr.write(`lacp-tui: ${(err as Error)?.message ?? String(err)} (details in ${this.log.file})\n`);
      process.exit(1);
    };
    process.on('uncaughtException', fatal);
    process.on('unhandledRejection', fatal);
    process.on('exit', () => this.restore());
  }

  own(screen: blessed.Widgets.Screen): void {
    this.screen = screen;
  }

  restore(): void {
    if (this.restored) return;
    this.restored = true;
    try {
      this.screen?.destroy();
    } catch (err) {
      this.log.write(`screen.destroy: ${(err as Error).message}`);
    }
    if (process.stdin.isTTY) process.stdin.setRawMode(false);
    if (process.stdout.isTTY) process.stdout.write(RESTORE_TERMINAL);
  }
}
