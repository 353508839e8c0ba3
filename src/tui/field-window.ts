import { displayWidth } from '../core/display-width.js';
import { nextBoundary } from './text-edit.js';

/**
 * The part of a one-line field that fits `width` columns with its cursor in view, as
 * a tmux prompt scrolls: from the start while the cursor fits, else with the cursor at
 * the right edge. A cut edge shows `…` (one column), so a user sees there is more.
 * `at` is the character under the cursor ('' at the end, where the cursor takes a column
 * of its own). Measured in display columns: CJK and emoji take two.
 */
export interface FieldWindow {
  cutLeft: boolean;
  before: string;
  at: string;
  after: string;
  cutRight: boolean;
}

/** Columns the smallest useful window takes: a `…` each side and the cursor. */
const MIN_FIELD_WIDTH = 3;

export function fieldWindow(value: string, cursor: number, width: number): FieldWindow {
  const cols = Math.max(MIN_FIELD_WIDTH, Math.floor(width));
  const chars = characters(value);
  const k = chars.findIndex((c) => c.start >= cursor);
  const atIndex = k < 0 ? chars.length : k;
  const w = chars.map((c) => displayWidth(c.text));
  const cursorCols = atIndex < chars.length ? Math.max(1, w[atIndex]!) : 1;
  const sum = (from: number, to: number): number => w.slice(from, to).reduce((a, b) => a + b, 0);
  const join = (from: number, to: number): string => chars.slice(from, to).map((c) => c.text).join('');
  const at = atIndex < chars.length ? chars[atIndex]!.text : '';
  const afterStart = Math.min(chars.length, atIndex + 1);

  if (sum(0, chars.length) + (at ? 0 : 1) <= cols)
    return { cutLeft: false, before: join(0, atIndex), at, after: join(afterStart, chars.length), cutRight: false };

  // From the start, if the cursor fits with a column left for the right-hand `…`.
  if (sum(0, atIndex) + cursorCols <= cols - 1) {
    let end = afterStart;
    let used = sum(0, atIndex) + cursorCols;
    while (end < chars.length && used + w[end]! <= cols - 1) used += w[end++]!;
    return { cutLeft: false, before: join(0, atIndex), at, after: join(afterStart, end), cutRight: end < chars.length };
  }

  // Cursor at the right edge: as much before it as fits after the left `…` (and the right one, when text follows).
  const cutRight = afterStart < chars.length;
  const room = cols - 1 - (cutRight ? 1 : 0) - cursorCols;
  let start = atIndex;
  let used = 0;
  while (start > 0 && used + w[start - 1]! <= room) used += w[--start]!;
  return { cutLeft: true, before: join(start, atIndex), at, after: '', cutRight };
}

/** The text cut into what the cursor steps over: a character with its zero-width marks. */
function characters(value: string): Array<{ start: number; text: string }> {
  const out: Array<{ start: number; text: string }> = [];
  for (let i = 0; i < value.length; ) {
    const next = nextBoundary(value, i);
    out.push({ start: i, text: value.slice(i, next) });
    i = next;
  }
  return out;
}
