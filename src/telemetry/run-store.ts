import { type Dirent, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { compareRunIds, RUN_ID_PATTERN, runId, utcDay } from '../core/ids.js';

export const TELEMETRY_FILE = 'telemetry.jsonl';

/** The runs/ directory: run ids are directory names, allocated by exclusive mkdir. */
export class RunStore {
  constructor(readonly runsDir: string) {}

  /** Run directories, oldest first. Anything else in runs/ (a stray file named like a run) is not a run. */
  list(): string[] {
    let entries: Dirent[];
    try {
      entries = readdirSync(this.runsDir, { withFileTypes: true });
    } catch {
      return [];
    }
    return entries
      .filter((e) => RUN_ID_PATTERN.test(e.name) && (e.isDirectory() || (e.isSymbolicLink() && this.isDirectory(e.name))))
      .map((e) => e.name)
      .sort(compareRunIds);
  }

  private isDirectory(name: string): boolean {
    try {
      return statSync(join(this.runsDir, name)).isDirectory();
    } catch {
      return false;
    }
  }

  newest(): string | null {
    return this.list().at(-1) ?? null;
  }

  /** Creates the next `RUN-YYYYMMDD-NNN` of the day; mkdir fails if another process took the name, so it tries the next. */
  create(now: Date): string {
    mkdirSync(this.runsDir, { recursive: true });
    const day = utcDay(now);
    const today = this.list().filter((id) => id.startsWith(`RUN-${day}-`));
    let counter = today.length ? Number(RUN_ID_PATTERN.exec(today.at(-1)!)![2]) + 1 : 1;
    for (;;) {
      const id = runId(day, counter);
      try {
        mkdirSync(join(this.runsDir, id));
        return id;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        counter++;
      }
    }
  }

  runDir(id: string): string {
    return join(this.runsDir, id);
  }

  telemetryFile(id: string): string {
    return join(this.runsDir, id, TELEMETRY_FILE);
  }

  taskDir(run: string, task: string): string {
    return join(this.runsDir, run, 'tasks', task);
  }

  exists(id: string): boolean {
    return RUN_ID_PATTERN.test(id) && this.list().includes(id);
  }
}

/** Log paths as events carry them: relative to the run directory. */
export function logPaths(task: string): { stdout: string; stderr: string } {
  return { stdout: `tasks/${task}/stdout.log`, stderr: `tasks/${task}/stderr.log` };
}
