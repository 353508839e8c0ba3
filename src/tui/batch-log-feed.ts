import { readFileSync, statSync } from 'node:fs';
import { RunStore } from '../telemetry/run-store.js';
import type { Msg, Overlay } from './app-state.js';
import { logTail } from './tool-choices.js';

/**
 * The batch log view's lines, read off the drawing path: on opening the view, and on a
 * tick while it stays open when the task's log files changed (a size or time stat, no
 * read). Drawing takes `shown()`, which reads nothing and tells update nothing.
 */
export class BatchLogFeed {
  private readonly store: RunStore;
  /** `run/task` of the open view; null: closed. */
  private open: string | null = null;
  /** The log files' size and time when last read: a tick reads again only when they moved. */
  private stamp = '';
  private rows = -1;
  private lines: string[] = [];
  /** The open task's stdout is OpenCode's JSON stream (its tool says `output: opencode-json`). */
  private openCode = false;

  constructor(runsDir: string) {
    this.store = new RunStore(runsDir);
  }

  /** What the view draws: the lines last read, made safe for blessed tags. */
  shown(): string[] {
    return this.lines.length ? this.lines : ['(no output yet)'];
  }

  /**
   * After a state change or on a tick: reads the log when the view opened or its files
   * changed; the `log-length` update needs (lines read, rows shown) when either or the
   * view's height changed, else null.
   */
  refresh(overlay: Overlay | null, rows: number): Msg | null {
    if (overlay?.kind !== 'log') {
      this.open = null;
      this.lines = [];
      return null;
    }
    const key = `${overlay.run_id}/${overlay.task_id}`;
    const dir = this.store.taskDir(overlay.run_id, overlay.task_id);
    const files = [`${dir}/stdout.log`, `${dir}/stderr.log`] as const;
    const stamp = files.map(fileStamp).join(' ');
    if (key === this.open && stamp === this.stamp && rows === this.rows) return null;
    if (key !== this.open) this.openCode = isOpenCodeJson(`${dir}/task.json`);
    if (key !== this.open || stamp !== this.stamp)
      this.lines = logTail(...files, this.openCode).map((l) => l.replace(/[{}]/g, (c) => (c === '{' ? '{open}' : '{close}')));
    [this.open, this.stamp, this.rows] = [key, stamp, rows];
    return { type: 'log-length', lines: this.lines.length, rows };
  }
}

function fileStamp(file: string): string {
  try {
    const st = statSync(file);
    return `${st.size}@${st.mtimeMs}`;
  } catch {
    return '-';
  }
}

/** Whether the task's record says its tool's output is OpenCode's JSON stream; read once, when its view opens. */
function isOpenCodeJson(taskFile: string): boolean {
  try {
    const record = JSON.parse(readFileSync(taskFile, 'utf8')) as { tool_config?: { output?: string } };
    return record.tool_config?.output === 'opencode-json';
  } catch {
    return false;
  }
}
