import { nearestColour } from './colour-fit.js';
import type xtermHeadless from '@xterm/headless';
import { cursorHidden } from '../term/cursor-hidden.js';

type Terminal = InstanceType<typeof xtermHeadless.Terminal>;
type BufferCell = NonNullable<ReturnType<Terminal['buffer']['active']['getNullCell']>>;

/** A blessed screen cell: [attr, char]. attr = flags << 18 | fg << 9 | bg (blessed's own packing). */
export type Cell = [number, string];

/** blessed's "default colour" value for fg and bg. */
const DEFAULT_COLOR = 0x1ff;
/** blessed's attribute flags. */
const BOLD = 1;
const UNDERLINE = 2;
const BLINK = 4;
const INVERSE = 8;
const INVISIBLE = 16;
export const DEFAULT_ATTR = (DEFAULT_COLOR << 9) | DEFAULT_COLOR;

export interface CellRenderOptions {
  /** `none` under NO_COLOR: attributes stay (bold, inverse, underline), colours go. */
  color: boolean;
  /** Draw the cursor (an inverse cell) where the task's cursor is, unless it hid it. */
  cursor: boolean;
  /** Lines scrolled up into the history; 0 = the live screen. */
  scrollback: number;
}

/**
 * Turns a headless terminal's screen into blessed cells. Only the parsed buffer is
 * read, so nothing the task sent (OSC 52, titles, DCS, mode changes) can reach the
 * user's terminal: what blessed writes is generated from these cells alone.
 * Colours: palette 0-255 as is, true colour matched to the nearest of 256 (not with
 * blessed's match: building its 8-colour table left every palette RGB cached as one of
 * 8, so #808080 came out yellow); colour-fit reduces further to what the terminal has.
 */
export function renderCells(term: Terminal, cols: number, rows: number, opts: CellRenderOptions): Cell[][] {
  const buffer = term.buffer.active;
  const top = Math.max(0, buffer.viewportY - opts.scrollback);
  const scratch = buffer.getNullCell();
  const out: Cell[][] = [];
  for (let y = 0; y < rows; y++) {
    const row: Cell[] = [];
    const line = y < term.rows ? buffer.getLine(top + y) : undefined;
    for (let x = 0; x < cols; x++) {
      const c = line && x < term.cols ? line.getCell(x, scratch) : undefined;
      if (!c) {
        row.push([DEFAULT_ATTR, ' ']);
        continue;
      }
      const width = c.getWidth();
      if (width === 0) continue; // right half of a wide char: pushed with its left half
      const attr = attrOf(c, opts.color);
      const chars = c.getChars() || ' ';
      if (width === 2 && x + 1 >= cols) {
        row.push([attr, ' ']); // no room for the right half: blessed would misplace the row
        continue;
      }
      row.push([attr, chars]);
      // blessed (fullUnicode) expects the cell after a wide char to hold a space it then skips.
      if (width === 2) row.push([attr, ' ']);
    }
    out.push(row.slice(0, cols));
  }
  if (opts.cursor && opts.scrollback === 0 && !cursorHidden(term)) {
    const cy = buffer.cursorY;
    const cx = Math.min(buffer.cursorX, cols - 1);
    const cell = out[cy]?.[cx];
    if (cell) cell[0] = cell[0] ^ (INVERSE << 18);
  }
  return out;
}

function attrOf(c: BufferCell, color: boolean): number {
  let flags = 0;
  if (c.isBold()) flags |= BOLD;
  if (c.isUnderline()) flags |= UNDERLINE;
  if (c.isBlink()) flags |= BLINK;
  if (c.isInverse()) flags |= INVERSE;
  if (c.isInvisible()) flags |= INVISIBLE;
  if (!color) return (flags << 18) | DEFAULT_ATTR;
  const fg = colorOf(c.isFgDefault(), c.isFgRGB(), c.getFgColor());
  const bg = colorOf(c.isBgDefault(), c.isBgRGB(), c.getBgColor());
  return (flags << 18) | (fg << 9) | bg;
}

const rgbCache = new Map<number, number>();

function colorOf(isDefault: boolean, isRgb: boolean, value: number): number {
  if (isDefault) return DEFAULT_COLOR;
  if (!isRgb) return value & 0xff;
  let mapped = rgbCache.get(value);
  if (mapped === undefined) {
    mapped = nearestColour((value >> 16) & 255, (value >> 8) & 255, value & 255, true);
    rgbCache.set(value, mapped);
  }
  return mapped;
}
