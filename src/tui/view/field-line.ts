import { fieldWindow } from '../field-window.js';
import { columns, inverse, text } from './style.js';

/** Columns an overlay's box takes around its text: the border, one each side. */
const OVERLAY_FRAME_COLS = 2;
/** Columns between the overlay and the window's edges (see overlayWidth). */
const OVERLAY_MARGIN_COLS = 2;

/** No cut by `text()`: the field window already chose what fits. */
const UNCUT = Number.MAX_SAFE_INTEGER;

/**
 * A text field's line in an overlay of a window `cols` wide: the label, then the part of
 * the text around the cursor that fits the widest overlay, the cursor drawn as a block
 * (the character under it in inverse, `█` at the end). A field not being typed in shows
 * its start, cut with `…`.
 */
export function fieldLine(label: string, value: string, cursor: number | undefined, cols: number, active = true): string {
  const width = cols - OVERLAY_MARGIN_COLS - OVERLAY_FRAME_COLS - columns(label);
  if (!active) return `${label}${text(value, Math.max(1, width))}`;
  const win = fieldWindow(value, cursor ?? value.length, width);
  const under = win.at ? inverse(text(win.at, UNCUT)) : '█';
  return `${label}${win.cutLeft ? '…' : ''}${text(win.before, UNCUT)}${under}${text(win.after, UNCUT)}${win.cutRight ? '…' : ''}`;
}
