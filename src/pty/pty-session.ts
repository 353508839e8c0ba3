import { createWriteStream, statSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import pty from 'node-pty';
import type { AttachResult, ScreenPush, ScreenText } from '../core/protocol.js';
import { installHint } from '../opencode/opencode-launch.js';
import { resolveProgram } from '../runner/resolve-program.js';
import type { TaskPlan } from '../runner/task-plan.js';
import type { ProcessEvents, TaskProcess } from '../runner/task-process.js';
import { AsciicastWriter } from './asciicast-writer.js';
import { ExitDrain } from './exit-drain.js';
import { ScreenFanout } from './screen-fanout.js';
import { noteInput, typingElsewhere } from './typing-priority.js';
import { RemoteScreen } from './screen-host.js';
import { ScrolledOffFilter } from '../core/scrolled-off.js';

/**
 * Characters the daemon's own parser (in the screen worker) may lag behind before the
 * PTY is paused, and the level at which it resumes. Far above a client's watermark:
 * the worker parses on the other core while this thread reads, records and fans out.
 */
const PARSER_HIGH_WATERMARK = 4_000_000;
const PARSER_LOW_WATERMARK = 1_000_000;

/**
 * Output is recorded and handed to the screen worker and the clients in batches this old
 * or this large: a flood costs a write and a message per batch, not per 4 KB read. The
 * cast's timestamps are this fine, which replay cannot tell apart. Output after a quiet
 * spell (an echo) goes at once.
 */
const OUTPUT_BATCH_MS = 5;
const OUTPUT_BATCH_CHARS = 256 * 1024;

export const DEFAULT_COLS = 80;
export const DEFAULT_ROWS = 24;

export interface PtyOptions {
  taskDir: string;
  baseEnv: NodeJS.ProcessEnv;
  cols: number;
  rows: number;
  scrollback: number;
}

export interface AttachOptions {
  mode: 'control' | 'view';
  cols: number | null;
  rows: number | null;
  scrollback: number;
}

export interface Attachment {
  result: Omit<AttachResult, 'sub'>;
  ack(chars: number): void;
  detach(): void;
}

/**
 * One interactive task: a node-pty process owned by the daemon, its raw stream in
 * stdout.log, an asciicast recording, a headless screen, and the clients attached
 * to it. node-pty decodes the output with a streaming UTF-8 decoder (its socket's
 * encoding), so a character split across reads stays whole.
 */
export class PtySession implements TaskProcess {
  private proc: pty.IPty | null = null;
  private readonly screen: RemoteScreen;
  private readonly fanout: ScreenFanout;
  private readonly log;
  private readonly cast: AsciicastWriter;
  private exit: { code: number | null; signal: string | null } | null = null;
  private exitedResolve!: () => void;
  private readonly exited = new Promise<void>((r) => (this.exitedResolve = r));
  private paused = false;
  private unflushed = '';
  private outputTimer: NodeJS.Timeout | null = null;
  /** When output last went out (performance.now()). */
  private lastFlushAt = -Infinity;
  /** Where the stream is between escape sequences: what the fanout may trim for a client that falls behind. */
  private readonly escapes = new ScrolledOffFilter();
  private drain: ExitDrain | null = null;

  private constructor(
    private readonly plan: TaskPlan,
    private readonly opts: PtyOptions,
    private readonly events: ProcessEvents,
  ) {
    this.screen = new RemoteScreen(opts.cols, opts.rows, opts.scrollback, () => this.screenCaughtUp());
    this.fanout = new ScreenFanout(() => this.updateFlow(), () => this.screen.rows, () => typingElsewhere(this));
    this.log = createWriteStream(join(opts.taskDir, 'stdout.log'));
    createWriteStream(join(opts.taskDir, 'stderr.log')).end(); // a PTY has one stream; the file exists for every task
    this.cast = new AsciicastWriter(join(opts.taskDir, 'session.cast'), opts.cols, opts.rows, { TERM: 'xterm-256color', SHELL: opts.baseEnv.SHELL ?? '/bin/sh' });
  }

  static start(plan: TaskPlan, opts: PtyOptions, events: ProcessEvents): PtySession {
    const session = new PtySession(plan, opts, events);
    session.spawn();
    return session;
  }

  get running(): boolean {
    return this.proc !== null && this.exit === null;
  }

  private spawn(): void {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...this.opts.baseEnv, ...this.plan.addedEnv })) if (v !== undefined) env[k] = v;
    env.TERM = 'xterm-256color';
    env.COLORTERM = 'truecolor';
    const problem = this.checkLaunch(env);
    if (problem) {
      this.finishRecording(null, null);
      queueMicrotask(() => this.events.onSpawnError(problem));
      return;
    }
    const [program, ...args] = this.plan.argv;
    let proc: pty.IPty;
    try {
      proc = pty.spawn(program!, args, { name: 'xterm-256color', cols: this.opts.cols, rows: this.opts.rows, cwd: this.plan.cwd, env });
    } catch (err) {
      this.finishRecording(null, null);
      queueMicrotask(() => this.events.onSpawnError((err as Error).message));
      return;
    }
    this.proc = proc;
    const drain = new ExitDrain(proc, () => this.paused);
    this.drain = drain;
    // Answers to the program's queries come from the daemon's terminal only, never from clients'.
    this.screen.onReply((reply) => this.exit === null && proc.write(reply));
    proc.onData((data) => {
      drain.sawData();
      this.receive(data);
    });
    // node-pty reports the exit once the PTY is drained (data racing the exit is read first).
    proc.onExit(({ exitCode, signal }) => {
      drain.release();
      const signalName = signal ? (Object.entries(constants.signals).find(([, n]) => n === signal)?.[0] ?? `signal ${signal}`) : null;
      this.exit = { code: signalName ? null : exitCode, signal: signalName };
      this.finishRecording(this.exit.code, this.exit.signal);
      this.events.onExit(this.exit.code, this.exit.signal);
    });
    queueMicrotask(() => this.events.onSpawn(proc.pid));
  }

  private checkLaunch(env: Record<string, string>): string | null {
    try {
      if (!statSync(this.plan.cwd).isDirectory()) return `cwd ${this.plan.cwd} is not a directory`;
    } catch {
      return `cwd ${this.plan.cwd} does not exist`;
    }
    const program = this.plan.argv[0] ?? '';
    if (!resolveProgram(program, this.plan.cwd, env.PATH)) return `${program || '(empty)'}: command not found ${installHint(program) || '(not on PATH, or not executable)'}`;
    return null;
  }

  private receive(data: string): void {
    const quiet = this.outputTimer === null && performance.now() - this.lastFlushAt >= OUTPUT_BATCH_MS;
    this.unflushed += data;
    if (quiet || this.unflushed.length >= Math.min(OUTPUT_BATCH_CHARS, this.fanout.room)) this.flushOutput();
    else this.outputTimer ??= setTimeout(() => this.flushOutput(), OUTPUT_BATCH_MS);
  }

  /** Output gathered since the last batch goes to stdout.log, the cast, the screen worker and the clients. */
  private flushOutput(): void {
    if (this.outputTimer) clearTimeout(this.outputTimer);
    this.outputTimer = null;
    if (!this.unflushed) return;
    const data = this.unflushed;
    this.unflushed = '';
    this.lastFlushAt = performance.now();
    this.log.write(data);
    this.cast.output(data);
    // The screen worker gets every byte: it skips what scrolls out of its own (larger) scrollback itself, over larger batches.
    this.screen.write(data);
    this.fanout.data(data, this.escapes.canDrop);
    this.escapes.track(data, this.screen.rows);
    if (this.screen.pendingChars > PARSER_HIGH_WATERMARK) this.updateFlow();
    this.events.onOutput();
  }

  private screenCaughtUp(): void {
    if (this.paused && this.screen.pendingChars < PARSER_LOW_WATERMARK) this.updateFlow();
  }

  /** Pauses reading from the PTY while a client or the daemon's own parser is behind. */
  private updateFlow(): void {
    const behind = this.fanout.holding || this.screen.pendingChars > PARSER_HIGH_WATERMARK;
    const caughtUp = !this.fanout.holding && this.screen.pendingChars < PARSER_LOW_WATERMARK;
    if (!this.proc || this.exit) return;
    if (behind && !this.paused) {
      this.paused = true;
      this.proc.pause();
    } else if (caughtUp && this.paused) {
      this.paused = false;
      this.proc.resume();
    }
  }

  private finishRecording(code: number | null, signal: string | null): void {
    this.flushOutput();
    this.fanout.control({ kind: 'exit', exit_code: code, signal });
    this.cast.exit(code, signal);
    this.exitedResolve();
  }

  // ---- clients ----

  /** Snapshot first, then live output: the snapshot is taken where the stream it precedes begins. */
  attach(opts: AttachOptions, push: (m: ScreenPush) => void, drop: (reason: string) => void): Promise<Attachment> {
    // An ended task's last screen stays as it ended: a client looking at it (or refused) does not reflow it.
    if (opts.mode === 'control' && opts.cols && opts.rows && this.running) this.resize(opts.cols, opts.rows);
    // The snapshot point is here: output received so far is in the snapshot (and goes to
    // the clients already attached), output from now on reaches the new client live.
    this.flushOutput();
    const { cols, rows } = this.screen;
    const queued: ScreenPush[] = [];
    let live = false;
    const id = this.fanout.add({
      push: (m) => (live ? push(m) : queued.push(m)),
      drop,
    }, opts.scrollback);
    const detach = () => this.fanout.remove(id);
    const attachment = (snapshot: string): Attachment => {
      // Anything queued meanwhile was written to the screen after the snapshot point: send it after the result.
      setImmediate(() => {
        live = true;
        for (const m of queued.splice(0)) push(m);
      });
      const result = { cols, rows, snapshot, exited: this.exit !== null || this.proc === null, exit_code: this.exit?.code ?? null, signal: this.exit?.signal ?? null };
      return { result, ack: (chars) => this.fanout.ack(id, chars), detach };
    };
    return this.screen.snapshot(opts.scrollback).then(attachment, (err: unknown) => {
      detach();
      throw err;
    });
  }

  input(data: string): void {
    noteInput(this);
    if (this.running) this.proc!.write(data);
  }

  resize(cols: number, rows: number): void {
    if (cols === this.screen.cols && rows === this.screen.rows) return;
    // Output from before the resize is laid out at the old size (and trimmed for it).
    this.flushOutput();
    this.fanout.sendGathered();
    this.screen.resize(cols, rows);
    if (this.running) this.proc!.resize(cols, rows);
    this.cast.resize(cols, rows);
    this.fanout.control({ kind: 'resize', cols, rows });
  }

  text(taskId: string): Promise<ScreenText> {
    this.flushOutput();
    return this.screen.text(taskId);
  }

  // ---- TaskProcess ----

  async drained(): Promise<void> {
    await this.exited;
    this.flushOutput();
    this.log.end();
    await Promise.all([finished(this.log).catch(() => undefined), this.cast.close()]);
  }

  sendKeys(text: string): void {
    this.input(text);
  }

  abandon(): void {
    this.flushOutput();
    if (this.proc && !this.exit) {
      // Closing the master sends SIGHUP to what is left; the sweep has already killed the rest.
      this.proc.kill('SIGHUP');
    }
    this.drain?.release();
    this.log.end();
  }

  /** Frees the screen model once nobody can ask for it again. */
  dispose(): void {
    this.fanout.dispose();
    this.screen.dispose();
  }
}
