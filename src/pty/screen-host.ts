import { Worker } from 'node:worker_threads';
import type { ScreenText } from '../core/protocol.js';
import type { ScreenReport, ScreenRequest } from './screen-worker.js';

/**
 * The worker's script. Under the test runner this module is TypeScript source that a
 * plain worker cannot load, so it uses the built copy (`npm run build` comes first).
 */
const WORKER_URL = import.meta.url.endsWith('.ts') ? new URL('../../dist/pty/screen-worker.js', import.meta.url) : new URL('./screen-worker.js', import.meta.url);

type Answer = string | ScreenText | null;
interface Pending {
  screen: RemoteScreen;
  settle: (value: Answer) => void;
  fail: (err: Error) => void;
}

/** The one worker thread holding every screen of this daemon, started with the first PTY. */
class ScreenWorker {
  private worker: Worker | null = null;
  private readonly screens = new Map<number, RemoteScreen>();
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private nextReq = 1;

  open(screen: RemoteScreen, cols: number, rows: number, scrollback: number): number {
    const id = this.nextId++;
    this.screens.set(id, screen);
    this.post({ op: 'open', id, cols, rows, scrollback });
    return id;
  }

  post(request: ScreenRequest): void {
    this.start().postMessage(request);
  }

  ask(screen: RemoteScreen, request: { op: 'snapshot'; id: number; scrollback: number } | { op: 'text'; id: number; taskId: string }): Promise<Answer> {
    const req = this.nextReq++;
    return new Promise((settle, fail) => {
      this.pending.set(req, { screen, settle, fail });
      this.post({ ...request, req });
    });
  }

  close(id: number, screen: RemoteScreen): void {
    this.post({ op: 'dispose', id });
    this.screens.delete(id);
    // A disposed terminal drops its queued writes, and with them the answers waiting behind them.
    for (const [req, p] of this.pending) {
      if (p.screen !== screen) continue;
      this.pending.delete(req);
      p.fail(new Error('the screen was disposed'));
    }
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_URL);
    worker.unref(); // the PTYs and sockets keep the daemon up; the worker alone should not
    worker.on('message', (m: ScreenReport) => this.report(m));
    worker.on('error', (err) => this.lost(worker, err));
    worker.on('exit', (code) => this.lost(worker, new Error(`the screen worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private report(m: ScreenReport): void {
    if (m.op === 'answer') {
      const p = this.pending.get(m.req);
      this.pending.delete(m.req);
      p?.settle(m.value);
      return;
    }
    const screen = this.screens.get(m.id);
    if (m.op === 'parsed') screen?.parsed(m.chars);
    else screen?.reply(m.data);
  }

  /**
   * A dead worker takes its screens with it: their questions fail and their output no
   * longer holds the PTY back (nothing will parse it). The next screen starts a new worker.
   */
  private lost(worker: Worker, err: Error): void {
    if (this.worker !== worker) return;
    this.worker = null;
    reportFailure(`the screen worker failed; screens of running tasks are lost: ${err.message}`);
    for (const p of this.pending.values()) p.fail(err);
    this.pending.clear();
    for (const screen of this.screens.values()) screen.lost(err);
    this.screens.clear();
  }
}

/** Where a dead worker is reported: the daemon's log (a daemon's stderr goes nowhere). */
let reportFailure: (line: string) => void = (line) => process.stderr.write(`lacp: ${line}\n`);

export function reportScreenWorkerFailuresTo(report: (line: string) => void): void {
  reportFailure = report;
}

const shared = new ScreenWorker();

/**
 * One PTY's screen model as the main thread sees it: writes go to the worker in
 * order, questions (snapshot, text) come back as promises answered at the point
 * of the stream where they were asked. `pendingChars` is the worker's backlog,
 * which the session's flow control watches.
 */
export class RemoteScreen {
  private readonly id: number;
  private backlog = 0;
  private disposed = false;
  private failure: Error | null = null;
  private size: { cols: number; rows: number };
  private replyListener: (data: string) => void = () => undefined;

  constructor(
    cols: number,
    rows: number,
    scrollback: number,
    private readonly onParsed: () => void,
  ) {
    this.size = { cols, rows };
    this.id = shared.open(this, cols, rows, scrollback);
  }

  get cols(): number {
    return this.size.cols;
  }
  get rows(): number {
    return this.size.rows;
  }
  get pendingChars(): number {
    return this.backlog;
  }

  write(data: string): void {
    if (this.disposed || this.failure || !data) return;
    this.backlog += data.length;
    shared.post({ op: 'write', id: this.id, data });
  }

  resize(cols: number, rows: number): void {
    this.size = { cols, rows };
    if (this.disposed || this.failure) return;
    shared.post({ op: 'resize', id: this.id, cols, rows });
  }

  /** Replies the terminal owes the program (answers to its queries). */
  onReply(listener: (data: string) => void): void {
    this.replyListener = listener;
  }

  /** The screen and up to `scrollback` lines above it, as of everything written so far. */
  async snapshot(scrollback: number): Promise<string> {
    return (await this.ask({ op: 'snapshot', id: this.id, scrollback })) as string;
  }

  async text(taskId: string): Promise<ScreenText> {
    return (await this.ask({ op: 'text', id: this.id, taskId })) as ScreenText;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (!this.failure) shared.close(this.id, this);
  }

  /** @internal the worker holding this screen died. */
  lost(err: Error): void {
    this.failure = new Error(`this task's screen was lost: ${err.message}`);
    this.backlog = 0;
    this.onParsed();
  }

  /** @internal the worker parsed `chars` more characters. */
  parsed(chars: number): void {
    this.backlog = Math.max(0, this.backlog - chars);
    this.onParsed();
  }

  /** @internal the worker's terminal answered a query. */
  reply(data: string): void {
    this.replyListener(data);
  }

  private async ask(request: { op: 'snapshot'; id: number; scrollback: number } | { op: 'text'; id: number; taskId: string }): Promise<Answer> {
    if (this.disposed) throw new Error('the screen was disposed');
    if (this.failure) throw this.failure;
    const answer = await shared.ask(this, request);
    if (answer === null) throw new Error('the screen was disposed');
    return answer;
  }
}
