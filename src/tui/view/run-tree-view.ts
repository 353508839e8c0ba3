import { formatDuration, type TaskRow } from '../../core/task-view.js';
import { oneLine } from '../../core/terminal-text.js';
import { displayWidth } from '../../core/display-width.js';
import type { Attention } from '../attention.js';
import { treeRows, type AppState, type TreeRow } from '../app-state.js';
import { fitColumns } from './fit-columns.js';
import { ATTENTION_SYMBOL, bold, inverse, paint, STATUS_STYLE, text } from './style.js';

/** Narrowest a cut title or role may be (… included): less says nothing. */
const MIN_TEXT_CUT = 4;
/** Narrowest a cut tool name may be: two letters and … still tell tools apart. */
const MIN_TOOL_CUT = 3;
/** Task text is made one line before fitting; this only bounds a runaway title. */
const MAX_COLUMN = 500;

/** The run tree's lines (blessed tags), each at most `width` columns, scrolled so the selection is visible in `height` rows. */
export function runTreeLines(state: AppState, width: number, height: number): string[] {
  const rows = visibleTreeRows(state, height);
  if (rows.length === 0) return [text(state.filter ? 'no task matches the filter' : 'no runs yet: n starts a task', width)];
  return rows.map((row) => {
    // A run is one row: blessed would wrap a longer line onto the next task's row.
    const line = row.task ? taskLine(row.task, state.attention[row.task.task_id], width) : bold(text(`${row.run.run_id}${row.run.title ? ` ${row.run.title}` : ''}`, width));
    return row.key === state.selected ? inverse(line) : line;
  });
}

/** The tree's rows in `height` lines, top to bottom: scrolled so the selection is visible (a click maps a line back to its row). */
export function visibleTreeRows(state: AppState, height: number): TreeRow[] {
  const rows = treeRows(state);
  const at = Math.max(0, rows.findIndex((r) => r.key === state.selected));
  const first = Math.max(0, Math.min(at - Math.floor(height / 2), rows.length - height));
  return rows.slice(first, first + height);
}

/**
 * ` ✔ ID TOOL ROLE DURATION exit N TITLE`, fitted to `width`: the title gives way first,
 * then the role and the exit code; then the tool is cut, the duration goes, and the tool;
 * the status symbol and the id stay.
 */
function taskLine(t: TaskRow, mark: Attention | undefined, width: number): string {
  const st = STATUS_STYLE[t.status];
  const flag = mark ? ATTENTION_SYMBOL[mark] : '';
  const head = ` ${paint(st.color, st.symbol)}${flag ? paint('yellow', flag) : ''} `;
  const room = width - displayWidth(` ${st.symbol}${flag} `);
  const one = (s: string) => oneLine(s, MAX_COLUMN);
  const body = fitColumns([
    { text: one(t.task_id) },
    { text: one(t.tool), cutAt: 3, dropAt: 5, minCut: MIN_TOOL_CUT },
    { text: one([t.phase, t.agent_role].filter(Boolean).join('/')), dropAt: 1, minCut: MIN_TEXT_CUT },
    { text: formatDuration(t.duration_ms), dropAt: 4 },
    { text: t.exit_code === null ? '' : `exit ${t.exit_code}`, dropAt: 2 },
    { text: one(t.title ?? ''), dropAt: 0, minCut: MIN_TEXT_CUT },
  ], room);
  return `${head}${text(body, Math.max(0, room))}`;
}
