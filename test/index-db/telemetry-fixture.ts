import { appendFileSync, closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { TelemetryEvent } from '../../src/core/events.js';
import { INDEX_FILE } from '../../src/index-db/run-index.js';
import { loadSqlite } from '../../src/index-db/sqlite-driver.js';
import { logPaths } from '../../src/telemetry/run-store.js';

export interface FixtureTask {
  id: string;
  tool?: string;
  status?: 'succeeded' | 'failed' | 'running' | 'queued';
  phase?: string | null;
  role?: string | null;
  summary?: string;
  toolEvents?: unknown[];
  stdout?: string;
  stderr?: string;
}

/**
 * Writes telemetry as the daemon would: run_started, then per task queued,
 * started, its tool events and (when finished) completed, with the task's logs.
 * Every line is validated against the event registry, so fixtures cannot drift from it.
 */
export class RunFixture {
  private seq = 0;
  private clock: number;

  constructor(
    readonly runsDir: string,
    readonly runId: string,
    startMs = Date.parse('2026-11-20T10:00:00.000Z'),
  ) {
    this.clock = startMs;
    mkdirSync(this.dir, { recursive: true });
  }

  get dir(): string {
    return join(this.runsDir, this.runId);
  }

  get file(): string {
    return join(this.dir, 'telemetry.jsonl');
  }

  start(title: string | null = null): this {
    this.write({ event: 'run_started', run_id: this.runId, status: 'running', title, summary: `run ${this.runId} started` });
    return this;
  }

  task(t: FixtureTask): this {
    const base = {
      run_id: this.runId,
      task_id: t.id,
      tool: t.tool ?? 'sh',
      mode: 'batch',
      phase: t.phase ?? null,
      agent_role: t.role ?? null,
      log_paths: logPaths(t.id),
    };
    this.write({ ...base, event: 'task_queued', status: 'queued', summary: t.summary ?? `queued ${t.id}`, argv: ['sh', '-c', 'true'] });
    if (t.status === 'queued') return this;
    this.write({ ...base, event: 'task_started', status: 'running', summary: `started ${t.id}`, pid: 4242 });
    for (const data of t.toolEvents ?? [])
      this.write({ ...base, event: 'tool_event', status: 'running', summary: 'tool event', tool_event_type: 'text', data });
    const logs = join(this.dir, 'tasks', t.id);
    mkdirSync(logs, { recursive: true });
    writeFileSync(join(logs, 'stdout.log'), t.stdout ?? '');
    writeFileSync(join(logs, 'stderr.log'), t.stderr ?? '');
    if (t.status === 'running') return this;
    const failed = t.status === 'failed';
    this.write({
      ...base,
      event: 'task_completed',
      status: failed ? 'failed' : 'succeeded',
      summary: failed ? `${t.id} exited with 1` : `${t.id} succeeded`,
      exit_code: failed ? 1 : 0,
      signal: null,
      duration_ms: 1500,
      artifacts: [],
      error_class: failed ? 'nonzero_exit' : null,
    });
    return this;
  }

  /** Appends one validated event line, stamped with the next ts and seq. */
  write(draft: Record<string, unknown>): this {
    this.clock += 1000;
    const event = TelemetryEvent.parse({ ts: new Date(this.clock).toISOString(), seq: this.seq++, ...draft });
    appendFileSync(this.file, `${JSON.stringify(event)}\n`);
    return this;
  }

  raw(text: string): this {
    appendFileSync(this.file, text);
    return this;
  }
}

/** Overwrites the root page of an index table with garbage: SQLite opens the file and finds the damage only when it reads there. */
export async function damageIndexTable(runsDir: string, table: string): Promise<void> {
  const sqlite = await loadSqlite();
  if (!sqlite.ok) throw new Error(sqlite.reason);
  const db = sqlite.open(join(runsDir, INDEX_FILE));
  const page = db.prepare('SELECT rootpage FROM sqlite_master WHERE name = ?').pluck().get(table) as number;
  const size = db.pragma('page_size', { simple: true }) as number;
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const fd = openSync(join(runsDir, INDEX_FILE), 'r+');
  writeSync(fd, Buffer.alloc(size, 0xa5), 0, size, (page - 1) * size);
  closeSync(fd);
}
