import type { ChildProcess } from 'node:child_process';
import { closeSync, createWriteStream, openSync, statSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { execa, type Options, type ResultPromise } from 'execa';
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
 * Starts a batch task: its own session and process group (detached: setsid), stdin
 * empty or the rendered `stdin` template, stdout and stderr in their log files.
 *
 * When nobody needs to see the output as it comes, the child gets the log files
 * themselves as stdout and stderr: the kernel writes them, memory stays flat, and the
 * daemon spends nothing per byte (no pipes, streams or buffers; a thousand short
 * tasks spent a good part of their daemon time there). Output is
 * piped through the daemon only for a tap (OpenCode's JSON) or an idle timeout, which
 * must notice each chunk; there the streams apply backpressure, so memory stays flat too.
 */
export function startBatchProcess(plan: TaskPlan, opts: BatchOptions, events: ProcessEvents): TaskProcess {
  const stdoutPath = join(opts.taskDir, 'stdout.log');
  const stderrPath = join(opts.taskDir, 'stderr.log');
  const cwdProblem = checkCwd(plan.cwd);
  if (cwdProblem) {
    // Empty logs, as for any task that ran: readers find both files whatever the outcome.
    for (const path of [stdoutPath, stderrPath]) touch(path);
    return failed(events, cwdProblem);
  }
  const watched = opts.onStdout !== undefined || plan.idleTimeoutMs !== null;
  return watched ? startPiped(plan, opts, events, stdoutPath, stderrPath) : startToFiles(plan, opts, events, stdoutPath, stderrPath);
}

function startToFiles(plan: TaskPlan, opts: BatchOptions, events: ProcessEvents, stdoutPath: string, stderrPath: string): TaskProcess {
  let out: number | null = null;
  let err: number | null = null;
  try {
    out = openSync(stdoutPath, 'w');
    err = openSync(stderrPath, 'w');
    const child = spawnTask(plan, opts, [out, err], events);
    if (child) watchLifecycle(child, plan, events);
  } catch (e) {
    return failed(events, `cannot create its log files: ${(e as Error).message}`);
  } finally {
    // The child holds its own copies; ours would only leak a descriptor per task.
    if (out !== null) closeSync(out);
    if (err !== null) closeSync(err);
  }
  // Every byte the child wrote is in the files already: nothing to drain or abandon.
  return { drained: () => Promise.resolve(), sendKeys() {}, abandon() {} };
}

function startPiped(plan: TaskPlan, opts: BatchOptions, events: ProcessEvents, stdoutPath: string, stderrPath: string): TaskProcess {
  const stdoutFile = createWriteStream(stdoutPath);
  const stderrFile = createWriteStream(stderrPath);
  const files = [stdoutFile, stderrFile];
  const child = spawnTask(plan, opts, ['pipe', 'pipe'], events);
  if (child) watchLifecycle(child, plan, events);
  pipeToFile(child?.stdout ?? null, stdoutFile, events, opts.onStdout);
  pipeToFile(child?.stderr ?? null, stderrFile, events);
  return {
    drained: () => Promise.all(files.map((f) => finished(f).catch(() => undefined))).then(() => undefined),
    sendKeys() {},
    abandon() {
      child?.stdout?.destroy();
      child?.stderr?.destroy();
      for (const f of files) f.end();
    },
  };
}

/**
 * Starts the task with execa (argv as given, no shell). Null when execa refused at once
 * (reported to `events`); ENOENT and its kin come a moment later as 'error'.
 */
function spawnTask(plan: TaskPlan, opts: BatchOptions, output: [number, number] | ['pipe', 'pipe'], events: ProcessEvents): ChildProcess | null {
  let child: ResultPromise;
  try {
    const options: Options = {
      cwd: plan.cwd,
      env: { ...opts.baseEnv, ...plan.addedEnv },
      extendEnv: false,
      detached: true, // setsid: the task leads its own session and group, so signals reach all of it
      ...(plan.stdin === null ? { stdin: 'ignore' as const } : { input: plan.stdin }),
      // A file descriptor goes to the child as it is: no stream, no per-byte work here.
      // (execa's documentation takes any descriptor; its types list only a few numbers.)
      stdout: output[0] as Options['stdout'],
      stderr: output[1] as Options['stderr'],
      buffer: false,
      reject: false,
      cleanup: false, // the daemon owns the lifecycle: cancel and crash recovery, not exit hooks
      forceKillAfterDelay: false,
    };
    child = execa(plan.argv[0]!, plan.argv.slice(1), options);
  } catch (err) {
    const { code, message } = err as NodeJS.ErrnoException;
    queueMicrotask(() => events.onSpawnError(spawnMessage(plan.argv[0]!, code, message)));
    return null;
  }
  // The outcome comes from the child's own events (watchLifecycle); the promise, which
  // never rejects here, only has to be consumed.
  void child.then(() => undefined);
  return child;
}

/** Spawn, spawn failure and exit, each reported once. */
function watchLifecycle(child: ChildProcess, plan: TaskPlan, events: ProcessEvents): void {
  let spawned = false;
  child.once('spawn', () => {
    spawned = true;
    events.onSpawn(child.pid!);
  });
  child.on('error', (err: NodeJS.ErrnoException) => {
    if (!spawned) events.onSpawnError(spawnMessage(plan.argv[0]!, err.code, err.message));
    // After the spawn, errors are failed signals to a process that is already gone: its exit reports it.
  });
  // 'exit', not 'close': a background child holding the pipes must not delay the ending.
  child.once('exit', (code, signal) => events.onExit(code, signal));
}

/** A task that could not start: a value reported as a spawn error, never a throw into the scheduler. */
function failed(events: ProcessEvents, message: string): TaskProcess {
  queueMicrotask(() => events.onSpawnError(message));
  return { drained: () => Promise.resolve(), sendKeys() {}, abandon() {} };
}

function pipeToFile(source: Readable | null, file: WriteStream, events: ProcessEvents, tap?: (chunk: Buffer) => void): void {
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

function touch(path: string): void {
  try {
    closeSync(openSync(path, 'w'));
  } catch {
    // the spawn error says what went wrong
  }
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
