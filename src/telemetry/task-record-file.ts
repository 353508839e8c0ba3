import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TaskRecord } from '../core/task-record.js';
import { REDACTED } from './secrets.js';

export const TASK_RECORD_FILE = 'task.json';

/** Replaces task.json whole (write, then rename), so a reader never sees half a record. */
export function writeTaskRecord(taskDir: string, record: TaskRecord): void {
  const file = join(taskDir, TASK_RECORD_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(withToolEnvRedacted(record), null, 2)}\n`);
  renameSync(tmp, file);
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
