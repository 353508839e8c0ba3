import type { TelemetryEvent } from '../core/events.js';
import { foldRun, type RunRow } from '../core/task-view.js';
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
  private readonly events = new Map<string, TelemetryEvent[]>();
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
    for (const id of this.store.list().slice(-MAX_RUNS_SHOWN)) {
      const events = readTelemetry(this.store.telemetryFile(id)).events;
      this.events.set(id, events);
      this.lastSeq.set(id, events.at(-1)?.seq ?? -1);
      for (const e of events) this.notePid(e);
    }
    const all = [...this.events.values()].flat().sort((a, b) => a.ts.localeCompare(b.ts));
    this.fresh = all.slice(-INITIAL_LOG_EVENTS);
    this.loaded = true;
    for (const e of this.buffered.splice(0)) this.accept(e);
    this.onChange();
  }

  private accept(e: TelemetryEvent): void {
    if (e.seq <= (this.lastSeq.get(e.run_id) ?? -1)) return;
    this.lastSeq.set(e.run_id, e.seq);
    const list = this.events.get(e.run_id) ?? [];
    list.push(e);
    this.events.set(e.run_id, list);
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
    const ids = [...this.events.keys()].sort();
    return { runs: ids.map((id) => foldRun(id, this.events.get(id)!, now)), pids: { ...this.pids }, usage: { ...this.usage } };
  }
}
