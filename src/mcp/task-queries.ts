import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { foldRun, type TaskRow } from '../core/task-view.js';
import { sanitizeForTerminal } from '../core/terminal-text.js';
import { RunStore } from '../telemetry/run-store.js';
import { readTelemetry } from '../telemetry/telemetry-reader.js';

/** A lookup that found nothing: its message goes back to the agent as the tool's error. */
export class QueryError extends Error {}

/** The most of a log one `task_output` returns by default: an agent's context is precious. */
export const DEFAULT_OUTPUT_CHARS = 20_000;
/** Whatever the caller asks, no more than this in one answer. */
export const MAX_OUTPUT_CHARS = 200_000;

/** Reads runs/ the way `lacp ls` and `lacp logs` do: the files are the record, no daemon needed. */
export class TaskQueries {
  readonly runs: RunStore;

  constructor(runsDir: string) {
    this.runs = new RunStore(runsDir);
  }

  /** The tasks of a run (default: the newest), as `lacp ls --json` shows them. */
  listTasks(runId: string | null): { run_id: string | null; tasks: TaskRow[] } {
    const id = runId ?? this.runs.newest();
    if (id === null) return { run_id: null, tasks: [] };
    if (!this.runs.exists(id)) throw new QueryError(`no run ${id} in ${this.runs.runsDir}`);
    return { run_id: id, tasks: foldRun(id, readTelemetry(this.runs.telemetryFile(id)).events, Date.now()).tasks };
  }

  /** One task's row, plus its usage and artifacts from task.json once it has ended. */
  taskStatus(taskId: string): TaskRow & { usage: unknown; artifacts: string[] } {
    const runId = this.findRun(taskId);
    const row = this.listTasks(runId).tasks.find((t) => t.task_id === taskId);
    if (!row) throw new QueryError(`task ${taskId} has no events yet in run ${runId}`);
    const record = readRecord(join(this.runs.taskDir(runId, taskId), 'task.json'));
    return { ...row, usage: record?.usage ?? null, artifacts: record?.outcome?.artifacts ?? [] };
  }

  /** The end of a task's log, escape sequences removed; `truncated` says whether earlier output was left out. */
  taskOutput(taskId: string, stream: 'stdout' | 'stderr', maxChars: number): { task_id: string; stream: string; text: string; truncated: boolean } {
    const runId = this.findRun(taskId);
    if (stream === 'stderr' && this.listTasks(runId).tasks.find((t) => t.task_id === taskId)?.mode === 'interactive')
      throw new QueryError(`${taskId} is interactive: its terminal is one stream, all of it in stdout (leave out stream or pass "stdout")`);
    const file = join(this.runs.taskDir(runId, taskId), `${stream}.log`);
    const limit = Math.min(Math.max(1, maxChars), MAX_OUTPUT_CHARS);
    const { bytes, truncated } = tail(file, limit * 4); // UTF-8: at most 4 bytes a character
    const text = sanitizeForTerminal(bytes.toString('utf8'));
    const cut = text.length > limit;
    return { task_id: taskId, stream, text: cut ? text.slice(-limit) : text, truncated: truncated || cut };
  }

  findRun(taskId: string): string {
    if (!/^[A-Za-z0-9_-]+$/.test(taskId)) throw new QueryError(`'${taskId}' is not a task id (list_tasks shows them)`);
    const ids = this.runs.list();
    for (let i = ids.length - 1; i >= 0; i--) if (existsSync(this.runs.taskDir(ids[i]!, taskId))) return ids[i]!;
    throw new QueryError(`no task ${taskId} in ${this.runs.runsDir}`);
  }
}

function tail(file: string, maxBytes: number): { bytes: Buffer; truncated: boolean } {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return { bytes: Buffer.alloc(0), truncated: false };
  }
  const start = Math.max(0, size - maxBytes);
  const bytes = Buffer.alloc(size - start);
  const fd = openSync(file, 'r');
  try {
    let got = 0;
    while (got < bytes.length) {
      const n = readSync(fd, bytes, got, bytes.length - got, start + got);
      if (n === 0) break;
      got += n;
    }
    return { bytes: bytes.subarray(0, got), truncated: start > 0 };
  } finally {
    closeSync(fd);
  }
}

function readRecord(file: string): { usage?: unknown; outcome?: { artifacts?: string[] } | null } | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as { usage?: unknown; outcome?: { artifacts?: string[] } | null };
  } catch {
    return null;
  }
}
