import { z } from 'zod';
import { CheckpointKind, TaskMode } from './status.js';

/**
 * tools.yaml, declared once. Objects are strict so an unknown key is an error that
 * names the key; the loader maps every issue back to a line and column.
 */
const positiveInt = z.number().int().min(1);
const seconds = z.number().positive();

export const OutputFormat = z.enum(['opencode-json']);

export const ToolSpec = z.strictObject({
  description: z.string().optional(),
  mode: TaskMode.default('batch'),
  cmd: z.array(z.string()).min(1, 'cmd needs at least the program to run'),
  env: z.record(z.string(), z.string()).optional(),
  cwd: z.string().optional(),
  stdin: z.string().optional(),
  timeout_sec: seconds.optional(),
  idle_timeout_sec: seconds.optional(),
  kill_grace_sec: z.number().nonnegative().optional(),
  interrupt_keys: z.array(z.string()).optional(),
  checkpoint: CheckpointKind.default('none'),
  max_parallel: positiveInt.optional(),
  output: OutputFormat.optional(),
});
export type ToolSpec = z.infer<typeof ToolSpec>;

/** A var's value is its default; null declares a var that every run must `--set`. */
export const VarValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const ToolsFile = z.strictObject({
  version: z.literal(1),
  defaults: z
    .strictObject({
      max_parallel: positiveInt.default(4),
      kill_grace_sec: z.number().nonnegative().default(5),
      scrollback: positiveInt.default(10_000),
    })
    .default({ max_parallel: 4, kill_grace_sec: 5, scrollback: 10_000 }),
  vars: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a var name may contain only letters, digits and _, and may not start with a digit'), VarValue).default({}),
  secrets: z.array(z.string()).default([]),
  tools: z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/, 'a tool name may contain only letters, digits and _ . -'), ToolSpec).default({}),
});
export type ToolsFile = z.infer<typeof ToolsFile>;

/** Placeholders every task has without declaring them. */
export const BUILTIN_PLACEHOLDERS = ['prompt', 'task_id', 'run_id', 'workspace', 'run_dir', 'artifacts_dir'] as const;

/** Tools that exist in every workspace, tools.yaml or not; a tools.yaml entry of the same name wins. */
export const BUILTIN_TOOLS: Record<string, ToolSpec> = {
  shell: {
    description: 'interactive login shell',
    mode: 'interactive',
    cmd: ['${SHELL}', '-l'],
    checkpoint: 'none',
  },
  sh: {
    description: 'batch: sh -c {prompt}',
    mode: 'batch',
    cmd: ['sh', '-c', '{prompt}'],
    checkpoint: 'none',
  },
};
