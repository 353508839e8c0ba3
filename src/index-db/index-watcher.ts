import { basename, relative, sep } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { TelemetryEvent } from '../core/events.js';
import { INDEX_FILE, RunIndex, type SyncReport } from './run-index.js';
import { loadSqlite } from './sqlite-driver.js';

/** Events of a burst are indexed together: a task's lines arrive within the writer's 50 ms flush. */
const SYNC_DEBOUNCE_MS = 100;
/** Telemetry read per step; steps are separated by a turn of the event loop so the daemon stays responsive. */
const SLICE_BYTES = 1 << 20;
/** After a failed step, try again this much later. */
const RETRY_MS = 2_000;
/**
 * How long the daemon waits for another process's write lock (a CLI catch-up, a rebuild). better-sqlite3
 * waits synchronously, so this is how long the daemon's loop (every client, every PTY) would stall:
 * kept short, and a busy index is tried again soon (BUSY_RETRY_MS) instead.
 */
const DAEMON_BUSY_TIMEOUT_MS = 50;
const BUSY_RETRY_MS = 250;

interface Log {
  info(message: string): void;
  warn(message: string): void;
}

type Subscribe = (listener: (event: TelemetryEvent) => void) => () => void;

/**
 * Keeps runs/index.sqlite current inside the daemon: the runs it writes (told by
 * `subscribe`), and runs written while no daemon ran or copied in (chokidar on
 * runs/, and a full scan at start). Owned by the daemon; `dispose` on stop.
 */
export class IndexWatcher {
  private readonly dirty = new Set<string>();
  private fullScan = true;
  private timer: NodeJS.Timeout | null = null;
  private readonly watcher: FSWatcher;
  private readonly unsubscribe: () => void;
  private disposed = false;
  /** The last step met another process's write lock: said once per stretch, not every retry. */
  private busy = false;
  private readonly watching: Promise<void>;

  private constructor(
    private readonly index: RunIndex,
    private readonly log: Log,
    subscribe: Subscribe,
  ) {
    const runsDir = index.store.runsDir;
    this.watcher = watch(runsDir, {
      ignoreInitial: true,
      depth: 1, // runs/RUN/telemetry.jsonl; task logs are read when their task completes
      ignored: (path) => basename(path).startsWith(INDEX_FILE),
    });
    const touched = (path: string) => {
      const runId = relative(runsDir, path).split(sep)[0];
      if (runId) this.mark(runId);
    };
    this.watching = new Promise((resolve) => this.watcher.once('ready', () => resolve()));
    this.watcher.on('add', touched).on('change', touched).on('addDir', touched);
    this.watcher.on('unlinkDir', () => this.markAll());
    this.watcher.on('error', (err) => log.warn(`index watcher: ${(err as Error).message}`));
    this.unsubscribe = subscribe((event) => this.mark(event.run_id));
    this.schedule(0);
  }

  /** Returns null (and logs why) when better-sqlite3 cannot load or the index cannot open: the daemon runs without it. */
  static async start(runsDir: string, log: Log, subscribe: Subscribe): Promise<IndexWatcher | null> {
    const sqlite = await loadSqlite();
    if (!sqlite.ok) {
      log.warn(`SQLite index unavailable (${sqlite.reason}); lacp reads the JSONL files`);
      return null;
    }
    try {
      const index = RunIndex.open(runsDir, sqlite.open);
      index.db.pragma(`busy_timeout = ${DAEMON_BUSY_TIMEOUT_MS}`);
      return new IndexWatcher(index, log, subscribe);
    } catch (err) {
      log.warn(`SQLite index not opened: ${(err as Error).message}`);
      return null;
    }
  }

  /** Resolves once chokidar watches runs/ (tests wait for it before copying a run in). */
  ready(): Promise<void> {
    return this.watching;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.unsubscribe();
    await this.watcher.close();
    this.index.close();
  }

  private mark(runId: string): void {
    this.dirty.add(runId);
    this.schedule(SYNC_DEBOUNCE_MS);
  }

  private markAll(): void {
    this.fullScan = true;
    this.schedule(SYNC_DEBOUNCE_MS);
  }

  private schedule(delay: number): void {
    if (this.disposed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.step();
    }, delay);
  }

  /** One slice of work; more slices follow on later turns of the event loop. */
  private step(): void {
    if (this.disposed) return;
    let report: SyncReport;
    try {
      if (this.fullScan) {
        report = this.index.sync({ maxBytes: SLICE_BYTES });
        this.fullScan = report.more;
      } else {
        const runId = this.dirty.values().next().value as string | undefined;
        if (runId === undefined) return;
        report = this.index.syncRun(runId, SLICE_BYTES); // a failed step keeps it dirty, to be tried again
        this.dirty.delete(runId);
        if (report.more) this.dirty.add(runId); // to the back: other runs' slices come first
      }
    } catch (err) {
      if ((err as { code?: string }).code?.startsWith('SQLITE_BUSY')) {
        // Another process writes (a rebuild): step aside, once said, and try again soon.
        if (!this.busy) this.log.info(`index busy (another process is writing it); retrying every ${BUSY_RETRY_MS} ms`);
        this.busy = true;
        this.schedule(BUSY_RETRY_MS);
        return;
      }
      this.log.warn(`index sync failed, retrying: ${(err as Error).message}`);
      this.schedule(RETRY_MS);
      return;
    }
    this.busy = false;
    if (report.skipped) this.log.warn(`index: skipped ${report.skipped} torn or foreign telemetry line(s)`);
    if (this.fullScan || this.dirty.size) setImmediate(() => this.step());
  }
}
