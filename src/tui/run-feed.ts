import type { TelemetryEvent } from '../core/events.js';
import { RunFold, type RunRow } from '../core/task-view.js';
import type { DaemonClient } from '../client/daemon-client.js';
import type { RunStore } from '../telemetry/run-store.js';
import { usageOf, type TokenUsage } from './token-usage.js';
import { readTelemetry } from '../telemetry/telemetry-reader.js';

/** Runs the tree loads from disk at start: older ones stay on disk (lacp ls --all). */
const MAX_RUNS_SHOWN = 20;
/** History the event log starts with. */
const INITIAL_LOG_EVENTS = 200;

/**
 * The runs as the UI sees them: the newest runs on disk, then the daemon's live
 * events. It subscribes first and reads the files second, dropping live events the
 * files already hold (by seq), so nothing falls between the two.
 */
export class RunFeed {
  /** Each run's rows, folded as events arrive: the events themselves are not kept. */
  private readonly runs = new Map<string, RunFold>();
  private readonly lastSeq = new Map<string, number>();
  private readonly pids: Record<string, number> = {};
  /** Tokens and cost tools reported, over the runs loaded. */
  private readonly usage: TokenUsage = { tokens: 0, cost: 0 };
  private fresh: TelemetryEvent[] = [];
  private changed = true;
  private loaded = false;
  private buffered: TelemetryEvent[] = [];

  constructor(
    private readonly store: RunStore,
    private readonly onChange: () => void,
  ) {}

  async start(client: DaemonClient): Promise<void> {
    await client.subscribe('subscribe_events', { run_id: null }, (data) => {
      if (this.loaded) this.accept(data as TelemetryEvent);
      else this.buffered.push(data as TelemetryEvent);
    });
    let recent: TelemetryEvent[] = [];
    for (const id of this.store.list().slice(-MAX_RUNS_SHOWN)) {
      const events = readTelemetry(this.store.telemetryFile(id)).events;
      const fold = new RunFold(id);
      for (const e of events) {
        fold.apply(e);
        this.notePid(e);
      }
      this.runs.set(id, fold);
      this.lastSeq.set(id, events.at(-1)?.seq ?? -1);
      recent = recent.concat(events.slice(-INITIAL_LOG_EVENTS));
    }
    this.fresh = recent.sort((a, b) => a.ts.localeCompare(b.ts)).slice(-INITIAL_LOG_EVENTS);
    this.loaded = true;
    for (const e of this.buffered.splice(0)) this.accept(e);
    this.onChange();
  }

  private accept(e: TelemetryEvent): void {
    if (e.seq <= (this.lastSeq.get(e.run_id) ?? -1)) return;
    this.lastSeq.set(e.run_id, e.seq);
    let fold = this.runs.get(e.run_id);
    if (!fold) this.runs.set(e.run_id, (fold = new RunFold(e.run_id)));
    fold.apply(e);
    this.notePid(e);
    this.fresh.push(e);
    this.changed = true;
    this.onChange();
  }

  private notePid(e: TelemetryEvent): void {
    if (e.event === 'task_started') this.pids[e.task_id] = e.pid;
    const used = usageOf(e);
    if (used) {
      this.usage.tokens += used.tokens;
      this.usage.cost += used.cost;
    }
  }

  /** Whether runs changed since the last take (the tick also refolds for durations). */
  get dirty(): boolean {
    return this.changed;
  }

  takeEvents(): TelemetryEvent[] {
    const out = this.fresh;
    this.fresh = [];
    return out;
  }

  fold(now = Date.now()): { runs: RunRow[]; pids: Record<string, number>; usage: TokenUsage } {
    this.changed = false;
    const ids = [...this.runs.keys()].sort();
    return { runs: ids.map((id) => this.runs.get(id)!.rows(now)), pids: { ...this.pids }, usage: { ...this.usage } };
  }
}
