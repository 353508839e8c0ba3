import { appendFileSync } from 'node:fs';

/** The daemon's own log: a file under .lacp/, never a terminal. */
export class DaemonLog {
  constructor(private readonly file: string) {}

  info(message: string): void {
    this.write('info', message);
  }
  warn(message: string): void {
    this.write('warn', message);
  }
  error(message: string, err?: unknown): void {
    const detail = err instanceof Error ? ` ${err.stack ?? err.message}` : err === undefined ? '' : ` ${String(err)}`;
    this.write('error', message + detail);
  }

  private write(level: string, message: string): void {
    try {
      appendFileSync(this.file, `${new Date().toISOString()} ${level} ${message}\n`);
    } catch {
      // a log that cannot be written must not take the daemon down
    }
  }
}
