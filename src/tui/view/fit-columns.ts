import { displayWidth, truncateColumns } from '../../core/display-width.js';

/** One column of a listing row, and how it gives way when the row is too wide. */
export interface Column {
  text: string;
  /** When it is dropped (lower goes first; before that it is cut if it keeps `minCut`); absent: never dropped. */
  dropAt?: number;
  /**
   * When it is first cut to fit, if it keeps `minCut` columns (… included); a cut that
   * would leave less is tried again after each later turn made room.
   */
  cutAt?: number;
  /** The narrowest it may be cut to; absent: never cut, only dropped. */
  minCut?: number;
  /** Spaces after the text up to this many columns, so the next column lines up from row to row. */
  padTo?: number;
  /** When that padding gives way (as much of it as the row needs, less what waiting cuts can give); absent: only when the column is cut. */
  unpadAt?: number;
}

type Live = Column & { pad: number };

/**
 * The columns of a row joined by spaces in `width` terminal columns: while too wide,
 * the column whose turn comes first is cut to fit (when it keeps at least `minCut`),
 * loses its padding, or is dropped. A row still too wide when every column has given
 * way is cut at its end.
 */
export function fitColumns(columns: readonly Column[], width: number): string {
  const live: Live[] = columns.filter((c) => c.text !== '').map((c) => ({ ...c, pad: Math.max(0, (c.padTo ?? 0) - displayWidth(c.text)) }));
  const over = () => live.reduce((n, c) => n + displayWidth(c.text) + c.pad, 0) + Math.max(0, live.length - 1) - width;
  type Turn = { at: number; col: Live; kind: 'cut' | 'unpad' | 'drop' };
  const turns: Turn[] = [];
  for (const col of live) {
    if (col.cutAt !== undefined) turns.push({ at: col.cutAt, col, kind: 'cut' });
    if (col.pad > 0 && col.unpadAt !== undefined) turns.push({ at: col.unpadAt, col, kind: 'unpad' });
    if (col.dropAt !== undefined) turns.push({ at: col.dropAt, col, kind: 'drop' });
  }
  const order = { cut: 0, unpad: 1, drop: 2 };
  turns.sort((a, b) => a.at - b.at || order[a.kind] - order[b.kind]);
  /** Columns whose cut turn came but could not keep `minCut`: cut as soon as room was made elsewhere. */
  const waiting: Live[] = [];
  for (const { col, kind } of turns) {
    if (over() <= 0) break;
    if (!live.includes(col)) continue;
    if (kind === 'unpad') col.pad = Math.max(0, col.pad - Math.max(0, over() - slack(waiting.filter((c) => live.includes(c)))));
    else if (cutToFit(col, over())) break;
    else if (kind === 'drop') live.splice(live.indexOf(col), 1);
    else waiting.push(col);
    if (over() > 0) waiting.some((c) => live.includes(c) && cutToFit(c, over()));
  }
  return width <= 0 ? '' : truncateColumns(live.map((c) => c.text + ' '.repeat(c.pad)).join(' '), width);
}

/** What waiting cuts could still give: padding goes only as far as they cannot make up, so rows stay aligned where they can. */
function slack(waiting: readonly Live[]): number {
  return waiting.reduce((n, c) => n + Math.max(0, displayWidth(c.text) + c.pad - (c.minCut ?? Infinity)), 0);
}

/** Gives `over` columns from `col` (its padding first) if it keeps at least `minCut`; whether it did. */
function cutToFit(col: Live, over: number): boolean {
  const w = displayWidth(col.text);
  const room = w + col.pad - over;
  if (col.minCut === undefined || room < col.minCut) return false;
  if (room >= w) col.pad = room - w;
  else [col.text, col.pad] = [truncateColumns(col.text, room), 0];
  return true;
}
