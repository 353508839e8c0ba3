import { closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { TelemetryEvent } from '../core/events.js';
import { RUN_ID_PATTERN } from '../core/ids.js';
import { RunStore } from '../telemetry/run-store.js';
import { parseTelemetry } from '../telemetry/telemetry-reader.js';
import { configure, createSchema, ensureSchema } from './index-schema.js';
import { eventId, IndexStatements } from './index-statements.js';
import type { SqliteDb, SqliteOpen } from './sqlite-driver.js';
import type { RunScope } from './task-query.js';
import { applyTaskEvent, type IndexedTask } from './task-fold.js';
import { OUTPUT_STREAMS, readBoundedOutput } from './task-output.js';
import { readAt } from '../telemetry/read-at.js';

export const INDEX_FILE = 'index.sqlite';
/** Tool event data beyond this is cut before indexing: one chatty event must not dominate the index. */
export const DATA_TEXT_MAX = 64 * 1024;
/** Telemetry indexed per write transaction during a sync: ~100k events, a few seconds of work at most. */
const GROUP_BYTES = 32 << 20;

export interface SyncReport {
  runs: number;
  events: number;
  /** Lines skipped this round (foreign, or whole but unparseable); a torn last line is not counted, it is read again later. */
  skipped: number;
  outputs: number;
  removed: number;
  /** Runs whose file still has unread bytes because the byte budget ran out. */
  more: boolean;
}

const emptyReport = (): SyncReport => ({ runs: 0, events: 0, skipped: 0, outputs: 0, removed: 0, more: false });

/**
 * runs/index.sqlite: a derived, rebuildable index of every run's telemetry. Each
 * telemetry file is read from the byte offset indexed so far, whole lines only, so
 * the daemon, the CLI and a rebuild can all bring it up to date cheaply and in any order.
 */
export class RunIndex {
  readonly store: RunStore;
  private st: IndexStatements;

  private constructor(
    readonly db: SqliteDb,
    runsDir: string,
  ) {
    this.store = new RunStore(runsDir);
    this.st = new IndexStatements(db);
  }

  /** Opens (creating when asked) the index of a runs/ directory; a foreign schema version is rebuilt. */
  static open(runsDir: string, open: SqliteOpen, { create = true } = {}): RunIndex {
    const file = join(runsDir, INDEX_FILE);
    if (!create && !existsSync(file)) throw new Error(`no index at ${file}`);
    mkdirSync(runsDir, { recursive: true });
    const db = open(file);
    try {
      configure(db);
      ensureSchema(db);
    } catch (err) {
      db.close();
      throw err;
    }
    return new RunIndex(db, runsDir);
  }

  static exists(runsDir: string): boolean {
    return existsSync(join(runsDir, INDEX_FILE));
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Drops everything and indexes every run again from byte 0. */
  rebuild(): SyncReport {
    this.db.transaction(() => createSchema(this.db)).immediate();
    this.st = new IndexStatements(this.db);
    return this.sync();
  }

  /**
   * Brings every run up to date (at most `maxBytes` of telemetry read, so a caller can yield) and forgets runs gone from disk.
   * With a `scope` short of 'all', only the runs it covers are checked for growth (a `stat` each): a listing of
   * the newest run then costs one `stat`, not one per run. Runs new to the index are indexed whatever the scope,
   * so the newest run on disk is the newest in the index.
   */
  sync({ maxBytes = Infinity, scope = 'all' }: { maxBytes?: number; scope?: RunScope } = {}): SyncReport {
    const report = emptyReport();
    const onDisk = this.store.list();
    const present = new Set(onDisk);
    for (const id of this.st.runIds.all() as string[]) {
      if (present.has(id)) continue;
      this.db.transaction(() => this.st.removeRun(id, { keepRunRow: false })).immediate();
      report.removed++;
    }
    const offsets = new Map((this.st.offsets.all() as { run_id: string; offset: number }[]).map((r) => [r.run_id, r.offset]));
    const checked = scope === 'all' ? null : new Set(scope === 'newest' ? onDisk.slice(-1) : [scope.run]);
    const stale = onDisk.filter(
      (id) => !offsets.has(id) || ((checked === null || checked.has(id)) && fileSize(this.store.telemetryFile(id)) !== offsets.get(id)),
    );
    let budget = maxBytes;
    // Runs are indexed in groups, one transaction each: FTS5 writes a segment per transaction, so
    // a few large ones index several times faster than one per run, and a group stays bounded.
    const group = this.db.transaction(() => {
      let groupBytes = 0;
      while (stale.length && budget > 0 && groupBytes < GROUP_BYTES) {
        const r = this.syncRunLocked(stale.shift()!, budget);
        addReport(report, r);
        budget -= r.bytes;
        groupBytes += r.bytes;
      }
    });
    while (stale.length && budget > 0) group.immediate();
    report.more ||= stale.length > 0;
    return report;
  }

  /** Indexes what a run's telemetry gained since the last call. */
  syncRun(id: string, maxBytes = Infinity): SyncReport & { bytes: number } {
    if (!RUN_ID_PATTERN.test(id)) return { ...emptyReport(), bytes: 0 };
    return this.db.transaction(() => this.syncRunLocked(id, maxBytes)).immediate();
  }

  private syncRunLocked(id: string, maxBytes: number): SyncReport & { bytes: number } {
    const report = { ...emptyReport(), runs: 1, bytes: 0 };
    const file = this.store.telemetryFile(id);
    let offset = (this.st.offset.get(id) as number | undefined) ?? -1;
    const size = fileSize(file);
    if (offset > size) {
      // Shorter than what we indexed: the file was replaced (a run copied over another). Start it again.
      this.st.removeRun(id, { keepRunRow: true });
      offset = -1;
    }
    if (offset < 0) {
      this.st.insertRun.run(id, sortKey(id));
      this.st.insertSource.run(id);
      offset = 0;
    }
    if (size === offset) return report;
    let chunk: Buffer;
    try {
      chunk = readChunk(file, offset, size, maxBytes);
    } catch {
      return report; // unreadable (no permission): the run stays listed, empty; tried again next time
    }
    const read = parseTelemetry(chunk, offset);
    const tornTail = read.offset < offset + chunk.length;
    report.skipped = read.skipped - (tornTail ? 1 : 0);
    report.bytes = read.offset - offset;
    report.more = offset + chunk.length < size;
    const tasks = new Map<string, IndexedTask>();
    const runKey = this.st.runKey.get(id) as number;
    for (const e of read.events) {
      if (!this.insertEvent(id, runKey, e)) {
        report.skipped++; // a seq seen before in this file, or past SEQ_SPACE: a foreign or duplicated line
        continue;
      }
      report.events++;
      if (e.event === 'run_started') {
        this.st.updateRun.run(e.title, e.ts, id);
        continue;
      }
      const task = applyTaskEvent(tasks.get(e.task_id) ?? this.st.loadTask(id, e.task_id), e, id);
      tasks.set(e.task_id, task);
    }
    for (const task of tasks.values()) {
      if (task.ended_at !== null && !task.output_indexed) {
        report.outputs += this.indexOutput(id, task);
        task.output_indexed = true;
      }
      this.st.saveTask(task);
    }
    this.st.advanceSource.run(read.offset, report.skipped, id);
    return report;
  }

  private insertEvent(runId: string, runKey: number, e: TelemetryEvent): boolean {
    const { ts, seq, run_id: _run, event, status, summary, ...rest } = e as TelemetryEvent & { data?: unknown; task_id?: string };
    // The task's own fields (tool, mode, phase, role, log paths) live in its tasks row; detail keeps what is the event's.
    const { data, task_id, tool: _tool, mode: _mode, phase: _phase, agent_role: _role, log_paths: _logs, ...detail } = rest as typeof rest & {
      tool?: unknown; mode?: unknown; phase?: unknown; agent_role?: unknown; log_paths?: unknown;
    };
    const id = eventId(runKey, seq);
    if (id === null) return false;
    const dataText = event === 'tool_event' ? JSON.stringify(data ?? null).slice(0, DATA_TEXT_MAX) : null;
    const res = this.st.insertEvent.run(id, runId, seq, ts, event, status, task_id ?? null, summary, dataText, JSON.stringify(detail));
    if (res.changes === 0) return false;
    this.st.insertEventText.run(id, summary, dataText);
    return true;
  }

  private indexOutput(runId: string, task: IndexedTask): number {
    let indexed = 0;
    for (const stream of OUTPUT_STREAMS) {
      const text = readBoundedOutput(this.store.runDir(runId), join('tasks', task.task_id, `${stream}.log`));
      if (!text.trim()) continue;
      this.st.insertOutput.run(runId, task.task_id, stream, task.ended_at, text);
      indexed++;
    }
    return indexed;
  }
}

function addReport(into: SyncReport, r: SyncReport): void {
  into.runs += r.runs;
  into.events += r.events;
  into.skipped += r.skipped;
  into.outputs += r.outputs;
  into.removed += r.removed;
  into.more ||= r.more;
}

/** Orders runs as compareRunIds does (day, then counter, which may pass 999) with a plain string index. */
function sortKey(id: string): string {
  const m = RUN_ID_PATTERN.exec(id)!;
  return `${m[1]}-${m[2]!.padStart(12, '0')}`;
}

/** A telemetry file's size; anything but a regular file (a directory in its place) holds nothing to index. */
function fileSize(file: string): number {
  const st = statSync(file, { throwIfNoEntry: false });
  return st?.isFile() ? st.size : 0;
}

/** Bytes [offset, size), at most maxBytes unless that would not reach the end of one line. */
function readChunk(file: string, offset: number, size: number, maxBytes: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    let length = Math.min(size - offset, maxBytes);
    let buf = readAt(fd, offset, length);
    if (length < size - offset && buf.lastIndexOf(0x0a) < 0) buf = readAt(fd, offset, (length = size - offset));
    return buf;
  } finally {
    closeSync(fd);
  }
}
