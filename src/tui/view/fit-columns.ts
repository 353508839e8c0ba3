import { displayWidth, truncateColumns } from '../../core/display-width.js';

/** One column of a listing row, and how it gives way when the row is too wide. */
export interface Column {
  text: string;
  /** When it is dropped (lower goes first; before that it is cut if it keeps `minCut`); absent: never dropped. */
  dropAt?: number;
  /** When it is first cut to fit, if it keeps `minCut` columns (… included). */
  cutAt?: number;
  /** The narrowest it may be cut to; absent: never cut, only dropped. */
  minCut?: number;
}

/**
 * The columns of a row joined by spaces in `width` terminal columns: while too wide,
 * the column whose turn comes first is cut to fit (when it keeps at least `minCut`)
 * or dropped. A row still too wide when every column has given way is cut at its end.
 */
export function fitColumns(columns: readonly Column[], width: number): string {
  const live = columns.filter((c) => c.text !== '').map((c) => ({ ...c }));
  const total = () => live.reduce((n, c) => n + displayWidth(c.text), 0) + Math.max(0, live.length - 1);
  type Turn = { at: number; col: (typeof live)[number]; drop: boolean };
  const turns: Turn[] = [];
  for (const col of live) {
    if (col.cutAt !== undefined) turns.push({ at: col.cutAt, col, drop: false });
    if (col.dropAt !== undefined) turns.push({ at: col.dropAt, col, drop: true });
  }
  turns.sort((a, b) => a.at - b.at || Number(a.drop) - Number(b.drop));
  for (const { col, drop } of turns) {
    const over = total() - width;
    if (over <= 0) break;
    const at = live.indexOf(col);
    if (at < 0) continue;
    const w = displayWidth(col.text);
    if (col.minCut !== undefined && w - over >= col.minCut) col.text = truncateColumns(col.text, w - over);
    else if (drop) live.splice(at, 1);
  }
  return width <= 0 ? '' : truncateColumns(live.map((c) => c.text).join(' '), width);
}
