import blessed from 'blessed';
import { DEFAULT_ATTR, type Cell } from '../cell-renderer.js';
import { setBoxLabel, styleColor } from './style.js';

type Coords = { xi: number; xl: number; yi: number; yl: number };
/** A cell of a pane's terminal, 1-based as mouse reports count. */
export type PaneCell = { col: number; row: number };
type ScreenLines = (Cell[] & { dirty?: boolean })[];

/**
 * A bordered box whose inside is copied from pre-rendered cells: the cells are
 * rebuilt from the pane's terminal only when it changed (see cell-renderer), and
 * a frame copies them straight into blessed's screen buffer, past its tag parser.
 */
export class TerminalTile {
  readonly box: blessed.Widgets.BoxElement;
  cells: Cell[][] = [];
  taskId: string | null = null;

  constructor(screen: blessed.Widgets.Screen, onClick: (tile: TerminalTile) => void, onWheel: (tile: TerminalTile, lines: number, cell: PaneCell | null) => void) {
    this.box = blessed.box({
      parent: screen,
      border: { type: 'line' },
      tags: false,
      hidden: true,
      style: { border: { fg: styleColor('gray') }, label: {} },
    });
    const original = this.box.render.bind(this.box) as () => Coords | undefined;
    (this.box as unknown as { render: () => Coords | undefined }).render = () => {
      const coords = original();
      if (coords) this.paint(screen, coords);
      return coords;
    };
    this.box.on('click', () => onClick(this));
    this.box.on('wheelup', (m: { x: number; y: number }) => onWheel(this, 3, this.cellAt(m)));
    this.box.on('wheeldown', (m: { x: number; y: number }) => onWheel(this, -3, this.cellAt(m)));
  }

  /** The pane cell (1-based, inside the border) under a screen position, or null on the border. */
  cellAt(at: { x: number; y: number }): PaneCell | null {
    const c = (this.box as unknown as { lpos?: Coords }).lpos;
    if (!c) return null;
    const col = at.x - c.xi;
    const row = at.y - c.yi;
    return col >= 1 && row >= 1 && col <= c.xl - c.xi - 2 && row <= c.yl - c.yi - 2 ? { col, row } : null;
  }

  /** Inner size in cells (inside the border). */
  innerSize(): { cols: number; rows: number } {
    return { cols: Math.max(2, (this.box.width as number) - 2), rows: Math.max(2, (this.box.height as number) - 2) };
  }

  /** Call after placing the box: the title is cut to its width. */
  setFrame(label: string, focused: boolean, typing: boolean): void {
    setBoxLabel(this.box, label, { width: this.box.width as number, height: this.box.height as number });
    const style = this.box.style as { border: { fg?: string; bold?: boolean }; label: { bold?: boolean; inverse?: boolean } };
    style.border.fg = styleColor(typing ? 'green' : focused ? 'yellow' : 'gray');
    style.border.bold = focused;
    style.label.bold = focused;
    style.label.inverse = typing;
  }

  /**
   * Copies the cells into the screen buffer at the place of the last full render, and
   * returns the rows touched: a frame where only panes changed draws just those rows.
   */
  paintInPlace(screen: blessed.Widgets.Screen): { from: number; to: number } | null {
    const c = (this.box as unknown as { lpos?: Coords }).lpos;
    if (!c || !this.box.visible) return null;
    this.paint(screen, c);
    return { from: c.yi + 1, to: c.yl - 2 };
  }

  private paint(screen: blessed.Widgets.Screen, c: Coords): void {
    const lines = (screen as unknown as { lines: ScreenLines }).lines;
    const x0 = c.xi + 1;
    const y0 = c.yi + 1;
    const width = c.xl - c.xi - 2;
    const height = c.yl - c.yi - 2;
    for (let y = 0; y < height; y++) {
      const line = lines[y0 + y];
      if (!line) break;
      const row = this.cells[y];
      for (let x = 0; x < width; x++) {
        const target = line[x0 + x];
        if (!target) break;
        const cell = row?.[x];
        target[0] = cell ? cell[0] : DEFAULT_ATTR;
        target[1] = cell ? cell[1] : ' ';
      }
      line.dirty = true;
    }
  }
}
