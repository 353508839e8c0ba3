import type { TelemetryEvent } from '../core/events.js';
import { RequestError } from '../core/protocol.js';
import type { DaemonLog } from '../daemon/daemon-log.js';
import type { RunStore } from '../telemetry/run-store.js';
import { FLUSH_INTERVAL_MS } from '../telemetry/telemetry-writer.js';
import { logLine, MirrorModel, type LogLine } from './mirror-model.js';
import { MirrorServer } from './mirror-server.js';
import { forgetMirrorState, loadMirrorState, newToken, saveMirrorState } from './mirror-token.js';
import { ownOrigin } from './request-guard.js';
import type { ScreenSource } from './viewer-session.js';

/** The tree and log go out on this clock: a burst of events makes one update, not hundreds. */
const FEED_INTERVAL_MS = 200;
/** A run with a missing event is read again after the writer has surely flushed it to the file. */
const RESYNC_DELAY_MS = 4 * FLUSH_INTERVAL_MS;

/** What the mirror needs of the daemon: its runs, its live events, and screens. */
export interface MirrorDaemon extends ScreenSource {
  readonly runs: RunStore;
  onEvent(listener: (event: TelemetryEvent) => void): () => void;
}

export interface MirrorInfo {
  url: string;
  port: number;
}

/**
 * The read-only mirror inside the daemon: started by `lacp mirror`, resumed with
 * the same port and token when the daemon restarts (so an open page reconnects),
 * forgotten by `lacp mirror --stop`. The token is never written to the log.
 */
export class MirrorService {
  private server: MirrorServer | null = null;
  private token: string | null = null;
  private model: MirrorModel | null = null;
  private unsubscribe: (() => void) | null = null;
  private pendingLog: LogLine[] = [];
  private feedTimer: NodeJS.Timeout | null = null;
  private starting: Promise<MirrorInfo> | null = null;

  constructor(
    private readonly daemon: MirrorDaemon,
    private readonly workspace: string,
    private readonly stateDir: string,
    private readonly log: DaemonLog,
  ) {}

  /** Starts the mirror, or returns the running one. A different port than the running one is an error. */
  async start(port: number | null): Promise<MirrorInfo> {
    if (this.starting) await this.starting.catch(() => undefined);
    if (this.server && this.token) {
      if (port !== null && port !== 0 && port !== this.server.port)
        throw new RequestError('invalid_state', `the mirror already serves port ${this.server.port} (lacp mirror --stop, then start it on ${port})`);
      return this.info();
    }
    const saved = loadMirrorState(this.stateDir);
    const reuse = saved && (port === null || port === saved.port) ? saved : null;
    this.starting = this.listen(reuse?.port ?? port ?? 0, reuse?.token ?? newToken());
    try {
      return await this.starting;
    } finally {
      this.starting = null;
    }
  }

  /** At daemon start: serve the mirror again if one was running. Failure (port taken) is logged, not fatal. */
  async resume(): Promise<void> {
    const saved = loadMirrorState(this.stateDir);
    if (!saved) return;
    try {
      await this.start(saved.port);
    } catch (err) {
      this.log.warn(`mirror not resumed on port ${saved.port}: ${(err as Error).message}`);
    }
  }

  /** `lacp mirror --stop`: closes it and forgets port and token; open pages stay refused. */
  async stop(): Promise<void> {
    await this.close(true);
    forgetMirrorState(this.stateDir);
  }

  /** Daemon shutdown: closes it but keeps the state, so the next daemon serves the same URL. */
  async close(stopped = false): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    // What happened last (the tasks a stopping daemon ended) goes out before the goodbye,
    // or an open page would show them running until it reconnects.
    if (this.feedTimer) {
      clearTimeout(this.feedTimer);
      this.flushFeed();
    }
    this.feedTimer = null;
    const server = this.server;
    this.server = null;
    this.token = null;
    this.model = null;
    if (server) {
      await server.close(stopped);
      this.log.info(`mirror on port ${server.port} closed`);
    }
  }

  get running(): boolean {
    return this.server !== null;
  }

  private async listen(port: number, token: string): Promise<MirrorInfo> {
    const model = new MirrorModel(this.daemon.runs);
    // Subscribe before reading the files: an event in between is in both, and apply() drops the copy.
    const early: TelemetryEvent[] = [];
    let live = false;
    const off = this.daemon.onEvent((e) => (live ? this.onEvent(e) : early.push(e)));
    let server: MirrorServer;
    try {
      model.load();
      server = await MirrorServer.start({ port, token, runsDir: this.daemon.runs.runsDir, workspace: this.workspace, model, source: this.daemon });
    } catch (err) {
      off();
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') throw new RequestError('invalid_state', `port ${port} on 127.0.0.1 is in use: choose another with --port`);
      if (code === 'EACCES') throw new RequestError('invalid_state', `port ${port} needs privileges: choose one above 1023`);
      throw err;
    }
    this.server = server;
    this.token = token;
    this.model = model;
    this.unsubscribe = off;
    saveMirrorState(this.stateDir, { port: server.port, token });
    live = true;
    for (const e of early) this.onEvent(e);
    this.log.info(`mirror serving ${ownOrigin(server.port)}/ (token in ${this.stateDir}, not logged)`);
    return this.info();
  }

  private info(): MirrorInfo {
    const port = this.server!.port;
    return { url: `${ownOrigin(port)}/?token=${this.token}`, port };
  }

  private onEvent(event: TelemetryEvent): void {
    if (!this.model || !this.server) return;
    const applied = this.model.apply(event);
    if (applied === 'old') return;
    if (applied === 'gap') this.scheduleResync(event.run_id);
    this.pendingLog.push(logLine(event));
    if (event.event === 'task_started' && event.mode === 'interactive') {
      const task = this.model.interactiveTasks().find((t) => t.task_id === event.task_id);
      if (task) for (const session of this.server.sessions) session.openPane(task);
    }
    this.feedTimer ??= setTimeout(() => this.flushFeed(), FEED_INTERVAL_MS);
  }

  private scheduleResync(runId: string): void {
    const model = this.model;
    const timer = setTimeout(() => {
      if (this.model !== model || !model) return;
      model.resync(runId);
      this.feedTimer ??= setTimeout(() => this.flushFeed(), FEED_INTERVAL_MS);
    }, RESYNC_DELAY_MS);
    timer.unref();
  }

  private flushFeed(): void {
    this.feedTimer = null;
    if (!this.model || !this.server) return;
    const lines = this.pendingLog.splice(0);
    if (this.server.sessions.size === 0) return;
    const runs = this.model.tree();
    const now = new Date().toISOString();
    for (const session of this.server.sessions) {
      session.sendLog(lines);
      session.sendTree(runs, now);
    }
  }
}
