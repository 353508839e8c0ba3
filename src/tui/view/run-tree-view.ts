import { formatDuration } from '../../core/task-view.js';
import { treeRows, type AppState } from '../app-state.js';
import { bold, inverse, paint, STATUS_STYLE, text } from './style.js';

/** The run tree's lines (blessed tags), scrolled so the selection is visible in `height` rows. */
export function runTreeLines(state: AppState, width: number, height: number): string[] {
  const rows = treeRows(state);
  if (rows.length === 0) return [state.filter ? 'no task matches the filter' : 'no runs yet: n starts a task'];
  const at = Math.max(0, rows.findIndex((r) => r.key === state.selected));
  const first = Math.max(0, Math.min(at - Math.floor(height / 2), rows.length - height));
  return rows.slice(first, first + height).map((row) => {
    let line: string;
    if (!row.task) {
      const title = row.run.title ? ` ${text(row.run.title, 40)}` : '';
      line = bold(`${row.run.run_id}${title}`);
    } else {
      const t = row.task;
      const st = STATUS_STYLE[t.status];
      const role = [t.phase, t.agent_role].filter(Boolean).join('/');
      const exit = t.exit_code === null ? '' : ` exit ${t.exit_code}`;
      // The title (`--title`) last: cut first when the tree is narrow, the state stays readable.
      const title = t.title ? ` ${t.title}` : '';
      const plain = ` ${t.task_id} ${t.tool}${role ? ` ${role}` : ''} ${formatDuration(t.duration_ms)}${exit}${title}`;
      const mark = state.attention[t.task_id];
      const flag = mark ? paint('yellow', mark === 'waiting' ? '?' : '!') : '';
      line = ` ${paint(st.color, st.symbol)}${flag}${text(plain, Math.max(10, width - 3 - (mark ? 1 : 0)))}`;
    }
    return row.key === state.selected ? inverse(line) : line;
  });
}
