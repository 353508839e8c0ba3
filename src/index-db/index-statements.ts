import type { SqliteDb, Statement } from './sqlite-driver.js';
import type { IndexedTask } from './task-fold.js';

const TASK_COLUMNS = [
  'run_id', 'task_id', 'first_seq', 'tool', 'mode', 'phase', 'agent_role', 'title', 'status', 'queued_at', 'started_at',
  'ended_at', 'duration_ms', 'exit_code', 'error_class', 'summary', 'started_by', 'output_indexed',
] as const;

/** Room for seq values in an event id: a run's events are ids [key * SEQ_SPACE, (key + 1) * SEQ_SPACE). */
export const SEQ_SPACE = 2 ** 32;

export function eventId(runKey: number, seq: number): number | null {
  return seq < SEQ_SPACE ? runKey * SEQ_SPACE + seq : null;
}

export function eventIdRange(runKey: number): [number, number] {
  return [runKey * SEQ_SPACE, (runKey + 1) * SEQ_SPACE - 1];
}

/** The index's writes, prepared once per schema: a rebuild prepares them again. */
export class IndexStatements {
  readonly runIds: Statement;
  readonly offsets: Statement;
  readonly offset: Statement;
  readonly insertRun: Statement;
  readonly runKey: Statement;
  readonly updateRun: Statement;
  readonly insertSource: Statement;
  readonly advanceSource: Statement;
  readonly insertEvent: Statement;
  readonly insertEventText: Statement;
  readonly insertOutput: Statement;
  private readonly selectTask: Statement;
  private readonly upsertTask: Statement;

  constructor(private readonly db: SqliteDb) {
    this.runIds = db.prepare('SELECT run_id FROM runs').pluck();
    this.offsets = db.prepare('SELECT run_id, offset FROM sources');
    this.offset = db.prepare('SELECT offset FROM sources WHERE run_id = ?').pluck();
    this.insertRun = db.prepare(
      'INSERT OR IGNORE INTO runs (run_id, run_key, sort_key) VALUES (?, (SELECT COALESCE(MAX(run_key), 0) + 1 FROM runs), ?)',
    );
    this.runKey = db.prepare('SELECT run_key FROM runs WHERE run_id = ?').pluck();
    this.updateRun = db.prepare('UPDATE runs SET title = ?, started_at = ? WHERE run_id = ?');
    this.insertSource = db.prepare('INSERT OR REPLACE INTO sources (run_id, offset, skipped_lines) VALUES (?, 0, 0)');
    this.advanceSource = db.prepare('UPDATE sources SET offset = ?, skipped_lines = skipped_lines + ? WHERE run_id = ?');
    this.insertEvent = db.prepare(
      'INSERT OR IGNORE INTO events (id, run_id, seq, ts, event, status, task_id, summary, data, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.insertEventText = db.prepare('INSERT INTO events_fts (rowid, summary, data) VALUES (?, ?, ?)');
    this.insertOutput = db.prepare('INSERT INTO output_fts (run_id, task_id, stream, ts, text) VALUES (?, ?, ?, ?, ?)');
    this.selectTask = db.prepare('SELECT * FROM tasks WHERE run_id = ? AND task_id = ?');
    this.upsertTask = db.prepare(
      `INSERT OR REPLACE INTO tasks (${TASK_COLUMNS.join(', ')}) VALUES (${TASK_COLUMNS.map(() => '?').join(', ')})`,
    );
  }

  loadTask(runId: string, taskId: string): IndexedTask | undefined {
    const row = this.selectTask.get(runId, taskId) as (Omit<IndexedTask, 'output_indexed'> & { output_indexed: number }) | undefined;
    return row && { ...row, output_indexed: row.output_indexed === 1 };
  }

  saveTask(task: IndexedTask): void {
    this.upsertTask.run(...TASK_COLUMNS.map((c) => (c === 'output_indexed' ? (task.output_indexed ? 1 : 0) : task[c])));
  }

  /** Forgets a run's rows (its file was replaced, or its directory is gone). Call inside a write transaction. */
  removeRun(runId: string, { keepRunRow }: { keepRunRow: boolean }): void {
    const db = this.db;
    const key = this.runKey.get(runId) as number | undefined;
    if (key !== undefined) {
      const [first, last] = eventIdRange(key);
      // External-content FTS rows are removed by replaying their text with the 'delete' command.
      db.prepare(
        "INSERT INTO events_fts (events_fts, rowid, summary, data) SELECT 'delete', id, summary, data FROM events WHERE id BETWEEN ? AND ?",
      ).run(first, last);
      db.prepare('DELETE FROM events WHERE id BETWEEN ? AND ?').run(first, last);
    }
    db.prepare('DELETE FROM tasks WHERE run_id = ?').run(runId);
    db.prepare('DELETE FROM output_fts WHERE run_id = ?').run(runId);
    db.prepare('DELETE FROM sources WHERE run_id = ?').run(runId);
    if (keepRunRow) db.prepare('UPDATE runs SET title = NULL, started_at = NULL WHERE run_id = ?').run(runId);
    else db.prepare('DELETE FROM runs WHERE run_id = ?').run(runId);
  }
}
