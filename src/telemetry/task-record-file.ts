import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TaskRecord } from '../core/task-record.js';
import { REDACTED } from './secrets.js';

export const TASK_RECORD_FILE = 'task.json';

/** Replaces task.json whole (write, then rename), so a reader never sees half a record. */
export function writeTaskRecord(taskDir: string, record: TaskRecord): void {
  const file = join(taskDir, TASK_RECORD_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, serialize(record));
  renameSync(tmp, file);
}

function serialize(record: TaskRecord): string {
  return `${JSON.stringify(withToolEnvRedacted(record), null, 2)}\n`;
}

/** Tells apart the temporary files of writes in flight at once. */
let tmpCounter = 0;

/**
 * One task's task.json, rewritten as the task moves on. A rewrite replaces an existing
 * file by rename, and ext4 (auto_da_alloc) starts writing the new file's blocks back
 * before such a rename returns: a few milliseconds per rewrite, paid on the daemon's
 * loop for every task when done synchronously. Rewrites run in the background instead,
 * one at a time and in order; each writes the record as it is when the write starts, so
 * a burst of changes costs one write.
 */
export class TaskRecordFile {
  private tail: Promise<void> = Promise.resolve();
  /** The write that has not started yet: a change made now is in it too. */
  private next: Promise<void> | null = null;

  constructor(
    private readonly taskDir: string,
    private readonly record: TaskRecord,
  ) {}

  /**
   * Resolves once task.json holds the record as it is now (or a later state). A failed
   * write (disk full) is not the task's failure: telemetry, the primary record, still
   * has its ending; the next save tries again.
   */
  save(): Promise<void> {
    if (this.next) return this.next;
    const next = this.tail.then(async () => {
      this.next = null;
      const file = join(this.taskDir, TASK_RECORD_FILE);
      const tmp = `${file}.${process.pid}.${tmpCounter++}.tmp`;
      try {
        await writeFile(tmp, serialize(this.record));
        await rename(tmp, file);
      } catch {
        await rm(tmp, { force: true }).catch(() => undefined);
      }
    });
    this.next = next;
    this.tail = next;
    return next;
  }
}

export function readTaskRecord(taskDir: string): TaskRecord | null {
  try {
    const parsed = TaskRecord.safeParse(JSON.parse(readFileSync(join(taskDir, TASK_RECORD_FILE), 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * The tool's config carries its env as written in tools.yaml, where a secret may be
 * a literal value: whatever `env` redacts (secret-looking names, `secrets:`) is
 * redacted in `tool_config.env` too.
 */
function withToolEnvRedacted(record: TaskRecord): TaskRecord {
  const toolEnv = record.tool_config.env;
  if (!toolEnv) return record;
  const env = Object.fromEntries(Object.entries(toolEnv).map(([k, v]) => [k, record.env[k] === REDACTED ? REDACTED : v]));
  return { ...record, tool_config: { ...record.tool_config, env } };
}
