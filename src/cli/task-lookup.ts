import { existsSync } from 'node:fs';
import type { RunStore } from '../telemetry/run-store.js';
import { CliError } from './cli-error.js';

/** Finds which run holds a task; task ids are unique across the workspace. */
export function findTaskRun(runs: RunStore, taskId: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(taskId)) throw new CliError(`'${taskId}' is not a task id (lacp ls shows them)`);
  const ids = runs.list();
  for (let i = ids.length - 1; i >= 0; i--) if (existsSync(runs.taskDir(ids[i]!, taskId))) return ids[i]!;
  throw new CliError(`no task ${taskId} in ${runs.runsDir} (lacp ls --all lists tasks)`);
}
