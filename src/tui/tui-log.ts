import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** The UI's log: a file under the workspace's .lacp/, never the screen it owns. */
export class Log {
  constructor(readonly file: string) {
    mkdirSync(dirname(file), { recursive: true });
  }

  write(line: string): void {
    try {
      appendFileSync(this.file, `${new Date().toISOString()} ${line}\n`);
    } catch {
      // A log that cannot be written must not take the UI down.
    }
  }

  /** console.* from any library goes here too, not onto the screen. */
  captureConsole(): void {
    const to = (level: string) => (...args: unknown[]) => this.write(`${level} ${args.map(String).join(' ')}`);
    console.log = to('log');
    console.info = to('info');
    console.warn = to('warn');
    console.error = to('error');
    console.debug = to('debug');
  }
}
