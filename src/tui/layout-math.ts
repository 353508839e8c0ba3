import type { PaneLayout, RegionName, RegionRect } from '../core/pane-layout-schema.js';

/** A rectangle in screen cells. */
export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * Percent to cells by rounding each edge, not each size: two regions that share an
 * edge in the preset share it on screen too, with no gap or overlap.
 */
export function regionRect(r: RegionRect, cols: number, rows: number): Rect {
  const left = Math.round((r.left * cols) / 100);
  const right = Math.round(((r.left + r.width) * cols) / 100);
  const top = Math.round((r.top * rows) / 100);
  const bottom = Math.round(((r.top + r.height) * rows) / 100);
  return { left, top, width: Math.max(1, right - left), height: Math.max(1, bottom - top) };
}

export function layoutRects(layout: PaneLayout, cols: number, rows: number): Partial<Record<RegionName, Rect>> {
  const out: Partial<Record<RegionName, Rect>> = {};
  for (const [name, rect] of Object.entries(layout.regions) as [RegionName, RegionRect | undefined][])
    if (rect) out[name] = regionRect(rect, cols, rows);
  return out;
}

/** Columns x rows for n tiles: 1, 2 side by side, 2x2, 3x2, 3x3. */
export function gridShape(n: number): { cols: number; rows: number } {
  if (n <= 1) return { cols: 1, rows: 1 };
  if (n === 2) return { cols: 2, rows: 1 };
  if (n <= 4) return { cols: 2, rows: 2 };
  if (n <= 6) return { cols: 3, rows: 2 };
  return { cols: 3, rows: 3 };
}

export function pageCount(tiles: number, perPage: number): number {
  return Math.max(1, Math.ceil(tiles / perPage));
}

/** The tiles of one page: `count` rects filling `area` row by row, edges shared like regions. */
export function tileRects(area: Rect, count: number): Rect[] {
  if (count <= 0) return [];
  const { cols, rows } = gridShape(count);
  const rects: Rect[] = [];
  for (let i = 0; i < count; i++) {
    const c = i % cols;
    const r = Math.floor(i / cols);
    const left = area.left + Math.round((c * area.width) / cols);
    const right = area.left + Math.round(((c + 1) * area.width) / cols);
    const top = area.top + Math.round((r * area.height) / rows);
    const bottom = area.top + Math.round(((r + 1) * area.height) / rows);
    rects.push({ left, top, width: right - left, height: bottom - top });
  }
  return rects;
}

/** Which tiles (indexes into all tiles) page `page` shows, and the page clamped to what exists. */
export function pageSlice(total: number, perPage: number, page: number): { page: number; first: number; count: number } {
  const last = pageCount(total, perPage) - 1;
  const p = Math.min(Math.max(0, page), last);
  const first = p * perPage;
  return { page: p, first, count: Math.max(0, Math.min(perPage, total - first)) };
}

/**
 * The smallest tile worth drawing: its border and one row of two columns (a PTY's
 * minimum width, see innerSize). Smaller, blessed put the title on the bottom border
 * or below the tile, over the next region.
 */
export const MIN_TILE = { width: 4, height: 3 };

export function tileFits(rect: Rect): boolean {
  return rect.width >= MIN_TILE.width && rect.height >= MIN_TILE.height;
}

/** Whether `count` tiles in `area` are drawn: all fit, or the grid draws none (and says the panes are too small). */
export function tilesFit(area: Rect, count: number): boolean {
  return tileRects(area, count).every(tileFits);
}

/** Columns a bordered box's title may take: it starts two in and keeps `─┐` at the right. */
export function labelRoom(boxWidth: number): number {
  return Math.max(0, boxWidth - 4);
}

/** The inner size of a bordered tile: what the task's PTY should be. */
export function innerSize(rect: Rect): { cols: number; rows: number } {
  return { cols: Math.max(2, rect.width - 2), rows: Math.max(2, rect.height - 2) };
}
