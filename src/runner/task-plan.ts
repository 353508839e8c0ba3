import { isAbsolute, join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import type { LoadedTools } from '../config/load-tools.js';
import type { ToolSpec } from '../core/tools-schema.js';
import { expand } from '../core/template.js';
import { prepareOpenCodeLaunch } from '../opencode/opencode-launch.js';
import { TASK_MARKER_VAR } from './process-tree.js';

export interface TaskRequest {
  tool: string;
  prompt: string | null;
  /** `--set KEY=VALUE`: overrides declared vars. */
  set: Record<string, string>;
  timeoutSec: number | null;
}

export interface TaskContext {
  taskId: string;
  runId: string;
  workspace: string;
  runDir: string;
  taskDir: string;
  daemonEnv: NodeJS.ProcessEnv;
}

/** Everything needed to start the process, decided before anything starts. */
export interface TaskPlan {
  tool: string;
  spec: ToolSpec;
  specHash: string;
  argv: string[];
  cwd: string;
  /** The variables lacp adds to the daemon's environment for this task. */
  addedEnv: Record<string, string>;
  stdin: string | null;
  vars: Record<string, string>;
  timeoutMs: number | null;
  idleTimeoutMs: number | null;
  killGraceMs: number;
}

export type PlanResult = { ok: true; plan: TaskPlan } | { ok: false; message: string };

export function planTask(loaded: LoadedTools, req: TaskRequest, ctx: TaskContext): PlanResult {
  const spec = loaded.tools[req.tool];
  if (!spec) {
    const names = Object.keys(loaded.tools).sort().join(', ');
    return { ok: false, message: `unknown tool '${req.tool}' (${loaded.file ?? 'built-ins'} has: ${names})` };
  }
  const declared = loaded.config.vars;
  for (const key of Object.keys(req.set)) {
    if (!(key in declared)) {
      const known = Object.keys(declared).join(', ') || 'none';
      return { ok: false, message: `--set ${key}: no such variable (declared under vars: ${known})` };
    }
  }
  const vars: Record<string, string> = {};
  for (const [key, value] of Object.entries(declared)) if (value !== null) vars[key] = String(value);
  Object.assign(vars, req.set);
  const artifactsDir = join(ctx.taskDir, 'artifacts');
  const values: Record<string, string | undefined> = {
    ...vars,
    prompt: req.prompt ?? undefined,
    task_id: ctx.taskId,
    run_id: ctx.runId,
    workspace: ctx.workspace,
    run_dir: ctx.runDir,
    artifacts_dir: artifactsDir,
  };
  const where = `tool '${req.tool}'`;
  const fill = (template: string, field: string): string | { missing: string; field: string } => {
    const result = expand(template, values, ctx.daemonEnv);
    return result.ok ? result.value : { missing: result.missing, field };
  };
  const missingMessage = (m: { missing: string; field: string }) =>
    m.missing === 'prompt'
      ? `${where} needs a prompt: pass --prompt TEXT (${m.field} uses {prompt})`
      : `${where}: {${m.missing}} in ${m.field} has no value: pass --set ${m.missing}=VALUE or give it a default under vars:`;

  const argv: string[] = [];
  for (const [i, template] of spec.cmd.entries()) {
    const value = fill(template, `cmd[${i}]`);
    if (typeof value !== 'string') return { ok: false, message: missingMessage(value) };
    argv.push(value);
  }
  const addedEnv: Record<string, string> = {};
  for (const [key, template] of Object.entries(spec.env ?? {})) {
    const value = fill(template, `env.${key}`);
    if (typeof value !== 'string') return { ok: false, message: missingMessage(value) };
    addedEnv[key] = value;
  }
  addedEnv[TASK_MARKER_VAR] = ctx.taskId;
  addedEnv.LACP_RUN_ID = ctx.runId;
  addedEnv.LACP_WORKSPACE = ctx.workspace;
  addedEnv.LACP_ARTIFACTS_DIR = artifactsDir;

  let cwd = ctx.workspace;
  if (spec.cwd !== undefined) {
    const value = fill(spec.cwd, 'cwd');
    if (typeof value !== 'string') return { ok: false, message: missingMessage(value) };
    cwd = isAbsolute(value) ? value : resolve(ctx.workspace, value);
  }
  prepareOpenCodeLaunch({ argv, addedEnv, cwd, mode: spec.mode, daemonEnv: ctx.daemonEnv, workspace: ctx.workspace });
  let stdin: string | null = null;
  if (spec.stdin !== undefined) {
    const value = fill(spec.stdin, 'stdin');
    if (typeof value !== 'string') return { ok: false, message: missingMessage(value) };
    stdin = value;
  }
  const timeoutSec = req.timeoutSec ?? spec.timeout_sec ?? null;
  return {
    ok: true,
    plan: {
      tool: req.tool,
      spec,
      specHash: createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 16),
      argv,
      cwd,
      addedEnv,
      stdin,
      vars,
      timeoutMs: timeoutSec === null ? null : Math.round(timeoutSec * 1000),
      idleTimeoutMs: spec.idle_timeout_sec === undefined ? null : Math.round(spec.idle_timeout_sec * 1000),
      killGraceMs: Math.round((spec.kill_grace_sec ?? loaded.config.defaults.kill_grace_sec) * 1000),
    },
  };
}
