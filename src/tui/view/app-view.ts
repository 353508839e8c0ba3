import blessed from 'blessed';
import type { PaneLayout } from '../../core/pane-layout-schema.js';
import { oneLine } from '../../core/terminal-text.js';
import { paneTasks, selectedTask, type AppState } from '../app-state.js';
import { paneHint, statusHints } from '../key-map.js';
import { layoutRects, pageCount, pageSlice, tileRects, tilesFit, type Rect } from '../layout-math.js';
import { eventLogLines } from './event-log-view.js';
import { MetricsView, type MetricsSample } from './metrics-view.js';
import { overlayContent, overlayHeight, overlayWidth, visibleOverlayLines } from './overlay-view.js';
import { runTreeLines, visibleTreeRows } from './run-tree-view.js';
import { bold, inverse, paint, setBoxLabel, STATUS_STYLE, styleColor, text } from './style.js';
import { TerminalTile, type PaneCell } from './terminal-tile.js';

export interface ViewHooks {
  onPaneClick: (taskId: string) => void;
  /** A click on a run-tree row: its key (`run:ID` / `task:ID`). */
  onTreeClick?: (key: string) => void;
  /** The wheel over a pane: lines up (negative: down), and the pane cell under the pointer. */
  onWheel: (taskId: string, lines: number, cell: PaneCell | null) => void;
}

const EMPTY_GRID = 'no live interactive task: n then shell starts one';
const TOO_SMALL = 'panes too small to draw here: z zooms the selected one';

/** Where each shown pane is and how big its inside is. */
export type PanePlacement = Map<string, { tile: TerminalTile; cols: number; rows: number }>;

/** The blessed widgets and how state maps onto them. No logic beyond placing and formatting. */
export class AppView {
  private readonly runs: blessed.Widgets.BoxElement;
  private readonly events: blessed.Widgets.BoxElement;
  private readonly empty: blessed.Widgets.BoxElement;
  private readonly status: blessed.Widgets.BoxElement;
  private readonly overlay: blessed.Widgets.BoxElement;
  private readonly metrics: MetricsView;
  private readonly tiles: TerminalTile[] = [];
  /** Where the grid was last laid out (not zoomed): new panes are sized from it. */
  gridArea: Rect | null = null;
  /** The run tree's row keys, one a line as last drawn: what a click on a line selects. */
  private treeKeys: string[] = [];

  constructor(
    readonly screen: blessed.Widgets.Screen,
    private readonly layout: PaneLayout,
    private readonly hooks: ViewHooks,
  ) {
    const border = { type: 'line' as const };
    const style = { border: { fg: styleColor('gray') } };
    // One row per line, cut at the edge: blessed wraps a line exactly as wide as the box when
    // it ends in a closing tag (a selected row's {/inverse}), which shifted every row below.
    this.runs = blessed.box({ parent: screen, border, tags: true, wrap: false, style });
    this.runs.on('click', (mouse: { y: number }) => {
      const key = this.treeKeys[mouse.y - (this.runs.atop as number) - (this.runs.itop as number)];
      if (key) this.hooks.onTreeClick?.(key);
    });
    this.metrics = new MetricsView(screen);
    this.empty = blessed.box({ parent: screen, border, tags: true, style });
    this.events = blessed.box({ parent: screen, border, tags: true, wrap: false, style });
    this.status = blessed.box({ parent: screen, height: 1, tags: true });
    this.overlay = blessed.box({ parent: screen, border, tags: true, hidden: true, wrap: false, style: { border: { fg: styleColor('yellow') } } });
  }

  /** Lays everything out for `state`; returns the panes on screen, for their sessions and cells. */
  apply(state: AppState, sample: MetricsSample, logLines: () => string[], info: string): PanePlacement {
    const cols = this.screen.width as number;
    const rows = (this.screen.height as number) - 1; // the status line
    const rects = layoutRects(this.layout, cols, rows);
    const panes = paneTasks(state);
    const zoomed = state.zoom ? panes.find((t) => `task:${t.task_id}` === state.selected) : undefined;
    const full: Rect = { left: 0, top: 0, width: cols, height: rows };

    this.placeBox(this.runs, zoomed ? undefined : rects.runs);
    this.placeBox(this.events, zoomed ? undefined : rects.events);
    this.metrics.place(zoomed ? undefined : rects.metrics);
    if (rects.runs) setBoxLabel(this.runs, 'runs', rects.runs);
    if (rects.runs && !zoomed) {
      this.runs.setContent(runTreeLines(state, rects.runs.width - 2, rects.runs.height - 2).join('\n'));
      this.treeKeys = visibleTreeRows(state, rects.runs.height - 2).map((r) => r.key);
    }
    if (rects.events && !zoomed) {
      setBoxLabel(this.events, `events: ${state.eventsScope === 'all' ? 'all runs' : 'selected run'}${state.filter ? ` /${oneLine(state.filter, 20)}` : ''}`, rects.events);
      this.events.setContent(eventLogLines(state, rects.events.width - 2, rects.events.height - 2).join('\n'));
    }
    if (rects.metrics && !zoomed) this.metrics.show(state, sample);

    const area = zoomed ? full : rects.terminals!;
    if (!zoomed) this.gridArea = area;
    const shown = zoomed ? [zoomed] : panes.slice(pageSlice(panes.length, state.maxTiles, state.page).first).slice(0, state.maxTiles);
    // Tiles too small for a border and a row are not drawn (blessed put their titles over
    // the next region); the grid says so instead, and z still shows the selected pane.
    // (update uses the same tilesFit: keys never go to a pane this leaves undrawn.)
    const tileAreas = tilesFit(area, shown.length) ? tileRects(area, shown.length) : [];
    this.placeBox(this.empty, tileAreas.length === 0 ? area : undefined);
    setBoxLabel(this.empty, 'terminals', area);
    this.empty.setContent(shown.length === 0 ? EMPTY_GRID : TOO_SMALL);
    const placement: PanePlacement = new Map();
    while (this.tiles.length < shown.length)
      this.tiles.push(new TerminalTile(this.screen, (t) => t.taskId && this.hooks.onPaneClick(t.taskId), (t, n, cell) => t.taskId && this.hooks.onWheel(t.taskId, n, cell)));
    this.tiles.forEach((tile, i) => {
      const task = shown[i];
      const rect = tileAreas[i];
      if (!task || !rect) {
        tile.box.hide();
        tile.taskId = null;
        return;
      }
      tile.taskId = task.task_id;
      this.placeBox(tile.box, rect);
      const focused = state.selected === `task:${task.task_id}`;
      const scrolled = state.scroll[task.task_id] ? ` ↑${state.scroll[task.task_id]}` : '';
      tile.setFrame(`${task.task_id} ${task.tool}${scrolled}`, focused, focused && state.focus === 'pane');
      placement.set(task.task_id, { tile, ...tile.innerSize() });
    });

    this.placeStatus(state, cols, rows, panes.length, info);
    this.placeOverlay(state, cols, rows, logLines);
    return placement;
  }

  private placeBox(box: blessed.Widgets.BoxElement, rect: Rect | undefined): void {
    if (!rect) return void box.hide();
    Object.assign(box, { left: rect.left, top: rect.top, width: rect.width, height: rect.height });
    box.show();
  }

  private placeStatus(state: AppState, cols: number, rows: number, paneCount: number, info: string): void {
    Object.assign(this.status, { left: 0, top: rows, width: cols });
    const mode = state.focus === 'pane' ? inverse(paint('green', ` ${text(paneHint(state.keyMap))} `)) : inverse(' CONTROL ');
    const task = selectedTask(state);
    const sel = task ? ` ${paint(STATUS_STYLE[task.status].color, STATUS_STYLE[task.status].symbol)} ${text(`${task.task_id} ${task.status}`)}` : '';
    const pages = pageCount(paneCount, state.maxTiles);
    const page = pages > 1 ? ` page ${Math.min(state.page, pages - 1) + 1}/${pages}` : '';
    const msg = state.message ? `  ${bold(text(state.message, 80))}` : '';
    this.status.setContent(`${mode}${sel}${page}${msg}  ${text(info)}  ${text(statusHints(state.keyMap))}`);
  }

  private placeOverlay(state: AppState, cols: number, rows: number, logLines: () => string[]): void {
    if (!state.overlay) return void this.overlay.hide();
    const content = overlayContent(state.overlay, state.keyMap, logLines, cols);
    const width = overlayWidth(content, cols);
    const height = overlayHeight(content.lines.length, rows);
    Object.assign(this.overlay, { left: Math.floor((cols - width) / 2), top: Math.floor((rows - height) / 2), width, height });
    // Fitted like every other title: blessed wrapped a label wider than its box over the overlay's first rows and right border.
    setBoxLabel(this.overlay, content.title, { width, height });
    this.overlay.setContent(visibleOverlayLines(content, height - 2).join('\n'));
    this.overlay.show();
    this.overlay.setFront();
  }
}
