import { createWriteStream, statSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { execa } from 'execa';
import { installHint } from '../opencode/opencode-launch.js';
import type { TaskPlan } from './task-plan.js';
import type { ProcessEvents, TaskProcess } from './task-process.js';

export interface BatchOptions {
  taskDir: string;
  baseEnv: NodeJS.ProcessEnv;
  /** Sees stdout as it arrives (for tools whose own stream is parsed, like OpenCode's JSON). */
  onStdout?: (chunk: Buffer) => void;
}

/**
 * Starts a batch task: its own session and process group (detached), stdin empty or
 * the rendered `stdin` template, stdout and stderr streamed to files with
 * backpressure, so memory stays flat whatever the output size.
 */
export function startBatchProcess(plan: TaskPlan, opts: BatchOptions, events: ProcessEvents): TaskProcess {
  const stdoutFile = createWriteStream(join(opts.taskDir, 'stdout.log'));
  const stderrFile = createWriteStream(join(opts.taskDir, 'stderr.log'));
  const files = [stdoutFile, stderrFile];

  const cwdProblem = checkCwd(plan.cwd);
  if (cwdProblem) {
    for (const f of files) f.end();
    queueMicrotask(() => events.onSpawnError(cwdProblem));
    return { drained: () => Promise.all(files.map((f) => finished(f))).then(() => undefined), sendKeys() {}, abandon() {} };
  }

  const subprocess = execa(plan.argv[0]!, plan.argv.slice(1), {
    cwd: plan.cwd,
    env: { ...opts.baseEnv, ...plan.addedEnv },
    extendEnv: false,
    detached: true, // setsid: the task leads its own session and group, so signals reach all of it
    ...(plan.stdin === null ? { stdin: 'ignore' as const } : { input: plan.stdin }),
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: false,
    reject: false,
    cleanup: false, // the daemon owns the lifecycle: cancel and crash recovery, not exit hooks
    forceKillAfterDelay: false,
  });

  let spawned = false;
  subprocess.once('spawn', () => {
    spawned = true;
    events.onSpawn(subprocess.pid!);
  });
  // 'exit', not the promise: a background child holding the pipes must not delay the ending.
  subprocess.once('exit', (code, signal) => events.onExit(code, signal));
  subprocess.then((result) => {
    if (!spawned) events.onSpawnError(spawnMessage(plan.argv[0]!, result.code, result.originalMessage));
  });

  pipeToFile(subprocess.stdout, stdoutFile, events, opts.onStdout);
  pipeToFile(subprocess.stderr, stderrFile, events);

  return {
    drained: () => Promise.all(files.map((f) => finished(f).catch(() => undefined))).then(() => undefined),
    sendKeys() {},
    abandon() {
      subprocess.stdout?.destroy();
      subprocess.stderr?.destroy();
      for (const f of files) f.end();
    },
  };
}

function pipeToFile(
  source: NodeJS.ReadableStream | null,
  file: WriteStream,
  events: ProcessEvents,
  tap?: (chunk: Buffer) => void,
): void {
  if (!source) {
    file.end();
    return;
  }
  source.on('data', (chunk: Buffer) => {
    events.onOutput();
    tap?.(chunk);
  });
  source.on('error', () => file.end());
  source.pipe(file);
}

function checkCwd(cwd: string): string | null {
  try {
    if (!statSync(cwd).isDirectory()) return `cwd ${cwd} is not a directory`;
  } catch {
    return `cwd ${cwd} does not exist`;
  }
  return null;
}

function spawnMessage(program: string, code: string | undefined, message: string | undefined): string {
  if (code === 'ENOENT') return `${program}: command not found ${installHint(program) || '(not on PATH, or no such file)'}`;
  if (code === 'EACCES') return `${program}: permission denied (not executable)`;
  return `${program}: ${message ?? code ?? 'spawn failed'}`;
}
