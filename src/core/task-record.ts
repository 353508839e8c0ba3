import { z } from 'zod';
import { ErrorClass, TaskMode, TaskStatus } from './status.js';
import { ToolSpec } from './tools-schema.js';

/** task.json: what ran and how. The only file under runs/ that is rewritten (atomically, by rename). */
export const TaskRecord = z.object({
  task_id: z.string(),
  run_id: z.string(),
  tool: z.string(),
  mode: TaskMode,
  title: z.string().nullable(),
  phase: z.string().nullable(),
  agent_role: z.string().nullable(),
  started_by: z.string().nullable(),
  argv: z.array(z.string()),
  cwd: z.string(),
  /** The variables lacp set or changed for the task, secrets redacted. */
  env: z.record(z.string(), z.string()),
  stdin: z.string().nullable(),
  prompt: z.string().nullable(),
  vars: z.record(z.string(), z.string()),
  tool_config: ToolSpec,
  tool_config_hash: z.string(),
  git: z.object({ head: z.string(), dirty: z.boolean() }).nullable(),
  lacp_version: z.string(),
  timeout_sec: z.number().nullable(),
  pid: z.number().int().nullable(),
  /** Process start time in clock ticks since boot (/proc/PID/stat field 22): pids are reused, this is not. */
  pid_start_ticks: z.number().int().nullable(),
  daemon_pid: z.number().int(),
  timestamps: z.object({
    queued: z.string(),
    started: z.string().nullable(),
    ended: z.string().nullable(),
  }),
  status: TaskStatus,
  outcome: z
    .object({
      exit_code: z.number().int().nullable(),
      signal: z.string().nullable(),
      error_class: ErrorClass.nullable(),
      summary: z.string(),
      duration_ms: z.number().int().nonnegative(),
      artifacts: z.array(z.string()),
    })
    .nullable(),
  usage: z.object({ tokens: z.number(), cost: z.number() }).nullable(),
});
export type TaskRecord = z.infer<typeof TaskRecord>;
