import type blessed from 'blessed';
import { DaemonError, type DaemonClient } from '../client/daemon-client.js';
import { ConfigError } from '../config/config-error.js';
import type { WorkspacePaths } from '../workspace/workspace-paths.js';
import { RunStore } from '../telemetry/run-store.js';
import { initialState, paneTasks, selectedTask, type AppState, type Effect, type Msg } from './app-state.js';
import { innerSize, layoutRects, tileRects, type Rect } from './layout-math.js';
import { renderCells } from './cell-renderer.js';
import { KEY_MAP, withOverrides } from './key-map.js';
import type { LoadedLayout } from './layout-preset.js';
import { PaneSessions } from './pane-sessions.js';
import { ProcMetrics, type TaskUsage } from './proc-metrics.js';
import { RunFeed } from './run-feed.js';
import { SurrogateJoiner } from './surrogate-keys.js';
import { acceptPastes, pasteForPane } from './bracketed-paste.js';
import { toolChoices } from './tool-choices.js';
import { BatchLogFeed } from './batch-log-feed.js';
import type { Log } from './tui-log.js';
import { update } from './update.js';
import { AppView, type PanePlacement } from './view/app-view.js';
import { overlayTextRows } from './view/overlay-view.js';
import { NO_COLOR } from './view/style.js';

/** At most 60 frames a second: faster is invisible and costs CPU a flooding pane should not take. */
const FRAME_MS = 1000 / 60;
/**
 * Panes other than the selected one redraw at most this often: a flooding background
 * pane then costs a quarter of the drawing (here and in the user's terminal), and the
 * pane being typed into keeps the full frame rate.
 */
const BACKGROUND_FRAME_MS = 1000 / 15;
/**
 * While the user types into a pane, its echo is drawn as soon as it is parsed, not on the
 * next tick of the frame clock; frames still come at most this often.
 */
const TYPING_FRAME_MS = 4;
/**
 * A frame drawn for an echo draws the typed-into pane alone: the others wait for the
 * next frame, unless they have waited this long already (a paste echoes for a while).
 */
const ECHO_FRAME_DEFER_MS = 250;
/** How long after a keystroke sent to a pane its output counts as the echo of typing. */
const TYPING_WINDOW_MS = 250;
/** Durations, metrics and the batch log view refresh this often. */
const TICK_MS = 1000;
/** Seconds of history in the sparklines. */
const SPARK_POINTS = 120;

export interface TuiDeps {
  paths: WorkspacePaths;
  layout: LoadedLayout;
  screen: blessed.Widgets.Screen;
  client: DaemonClient;
  log: Log;
  /** A note for the status line (e.g. about --mirror). */
  info: string;
}

/**
 * The shell around update(): feeds it messages (keys, daemon events, ticks),
 * performs the effects it returns, and draws on a frame clock: state changes and
 * pane output only mark things dirty; one frame draws them all.
 */
export class TuiApp {
  private state: AppState;
  private readonly view: AppView;
  private readonly feed: RunFeed;
  private readonly sessions: PaneSessions;
  private readonly proc = new ProcMetrics();
  private readonly batchLog: BatchLogFeed;
  private placement: PanePlacement = new Map();
  private viewDirty = true;
  private frameTimer: NodeJS.Timeout | null = null;
  /** When the scheduled frame runs (Date.now() clock). */
  private frameAt = 0;
  private lastFrame = 0;
  /** The scheduled frame draws an echo: the typed-into pane only, the others wait for the next. */
  private echoFrame = false;
  private typed: { taskId: string; at: number } | null = null;
  private tick: NodeJS.Timeout | null = null;
  private eventsThisSecond = 0;
  private readonly eventsPerSec: number[] = [];
  private readonly cpu: number[] = [];
  private usage: TaskUsage | null = { cpuPercent: 0, rssBytes: 0 };
  private finish!: (code: number) => void;
  readonly done = new Promise<number>((resolve) => (this.finish = resolve));
  private stopping = false;

  constructor(private readonly deps: TuiDeps) {
    this.state = initialState(deps.layout.layout.max_tiles, withOverrides(KEY_MAP, deps.layout.layout.keys));
    this.view = new AppView(deps.screen, deps.layout.layout, {
      onPaneClick: (task_id) => this.dispatch({ type: 'select-pane', task_id }),
      onTreeClick: (key) => this.dispatch({ type: 'select-row', key }),
      // A program that reads the mouse (OpenCode) or runs full screen (less) gets the wheel; a shell's pane scrolls its history.
      onWheel: (task_id, lines, cell) => this.sessions.wheel(task_id, lines > 0, cell) || this.dispatch({ type: 'wheel', task_id, lines }),
    });
    this.feed = new RunFeed(new RunStore(deps.paths.runsDir), () => this.requestFrame());
    this.batchLog = new BatchLogFeed(deps.paths.runsDir);
    this.sessions = new PaneSessions(deps.client, (taskId) => this.requestFrame(taskId), deps.log);
  }

  async start(): Promise<void> {
    const { screen, client } = this.deps;
    const surrogates = new SurrogateJoiner();
    screen.on('keypress', (half: string | undefined, key: { name?: string; full?: string; sequence?: string } | undefined) => {
      // blessed reports a typed \r twice, as `enter` and then `return`: take it once.
      if (key?.name === 'return' && key.sequence === '\r') return;
      const ch = surrogates.join(half);
      if (ch === null) return;
      if (ch !== half) key = { ...key, sequence: ch };
      const printable = ch !== undefined && ch.length >= 1 && !/[\x00-\x1f\x7f]/.test(ch);
      const name = printable ? ch : (key?.full ?? '');
      this.dispatch({ type: 'key', name, ch, seq: key?.sequence ?? ch ?? '' });
    });
    acceptPastes(screen, (text) => this.dispatch({ type: 'paste', text }));
    // Where the grid is decides whether its tiles are drawn: update keeps keys off a pane it cannot draw.
    screen.on('resize', () => this.dispatch({ type: 'grid-area', area: this.gridArea() }));
    client.onClose(() => {
      if (this.stopping) return;
      this.deps.log.write('daemon connection closed');
      void this.quit(false, 3);
    });
    this.dispatch({ type: 'grid-area', area: this.gridArea() });
    await this.feed.start(client);
    this.tick = setInterval(() => this.onTick(), TICK_MS);
    this.requestFrame();
  }

  dispatch(msg: Msg): void {
    const step = update(this.state, msg);
    this.state = step.state;
    this.syncBatchLog();
    this.syncSelection();
    for (const effect of step.effects) void this.perform(effect);
    this.markView();
  }

  private markView(): void {
    this.viewDirty = true;
    this.requestFrame();
  }

  private async perform(effect: Effect): Promise<void> {
    const { client, log, paths } = this.deps;
    try {
      switch (effect.type) {
        case 'input':
          this.typed = { taskId: effect.task_id, at: Date.now() };
          return this.sessions.input(effect.task_id, effect.data);
        case 'paste': {
          // Bracketed only for a program that asked (the pane's terminal saw its CSI ? 2004 h): others would show the markers.
          const bracketed = this.sessions.get(effect.task_id)?.follower?.terminal.modes.bracketedPasteMode ?? false;
          this.typed = { taskId: effect.task_id, at: Date.now() };
          return this.sessions.input(effect.task_id, pasteForPane(effect.text, bracketed));
        }
        case 'load-tools':
          try {
            return this.dispatch({ type: 'tools', tools: toolChoices(paths.toolsFile) });
          } catch (err) {
            if (err instanceof ConfigError) return this.dispatch({ type: 'message', text: err.message });
            throw err;
          }
        case 'submit': {
          const size = this.newPaneSize();
          try {
            const r = await client.request<{ run_id: string; task_id: string }>('submit', { tool: effect.tool, prompt: effect.prompt, set: effect.set, started_by: 'lacp-tui', ...size });
            return this.dispatch({ type: 'submitted', run_id: r.run_id, task_id: r.task_id });
          } catch (err) {
            if (!(err instanceof DaemonError)) throw err;
            // A refusal (bad variable, unknown tool) is the user's to fix in the form, not a fault.
            log.write(`submit ${effect.tool}: refused: ${err.message}`);
            return this.dispatch({ type: 'submit-failed', error: err.message });
          }
        }
        case 'cancel':
          this.dispatch({ type: 'message', text: `cancelling ${effect.task_id}…` });
          await client.request('cancel', { task_ids: [effect.task_id], by: 'lacp-tui' });
          return this.dispatch({ type: 'message', text: `${effect.task_id} cancelled` });
        case 'approve':
        case 'reject':
          await client.request(effect.type, { task_id: effect.task_id });
          return this.dispatch({ type: 'message', text: `${effect.task_id} ${effect.type === 'approve' ? 'approved' : 'rejected'}` });
        case 'quit':
          return this.quit(effect.stopDaemon, 0);
        case 'bell':
          this.deps.screen.program.bell();
          return;
      }
    } catch (err) {
      // A daemon's answer is an expected failure: one line; anything else is a fault worth its stack.
      log.write(`${effect.type}: ${err instanceof DaemonError ? err.message : ((err as Error).stack ?? err)}`);
      this.dispatch({ type: 'message', text: (err as Error).message });
    }
  }

  /** A new interactive task starts at the size its tile will have, so it does not redraw at once. */
  private newPaneSize(): { cols: number; rows: number } | object {
    const area = this.view.gridArea;
    if (!area) return {};
    const onPage = Math.min(paneTasks(this.state).length % this.state.maxTiles, this.state.maxTiles - 1) + 1;
    return innerSize(tileRects(area, onPage).at(-1)!);
  }

  private onTick(): void {
    this.eventsPerSec.push(this.eventsThisSecond);
    this.eventsThisSecond = 0;
    const pids = this.state.runs.flatMap((r) => r.tasks).filter((t) => t.status === 'running').map((t) => this.state.pids[t.task_id]).filter((p): p is number => p !== undefined);
    this.usage = this.proc.sample(pids);
    this.cpu.push(Math.round(this.usage?.cpuPercent ?? 0));
    for (const series of [this.eventsPerSec, this.cpu]) if (series.length > SPARK_POINTS) series.shift();
    this.refold();
    this.syncBatchLog();
    this.markView();
  }

  private refold(): void {
    this.state = update(this.state, { type: 'runs', ...this.feed.fold() }).state;
    this.syncSelection();
  }

  private syncSelection(): void {
    this.sessions.select(selectedTask(this.state)?.task_id ?? null);
  }

  /** Schedules a frame; `changedPane` is a pane whose screen changed, drawn sooner while typed into. */
  private requestFrame(changedPane?: string): void {
    if (this.stopping) return;
    const now = Date.now();
    const typing = changedPane !== undefined && this.typed?.taskId === changedPane && now - this.typed.at < TYPING_WINDOW_MS;
    const wait = Math.max(0, this.lastFrame + (typing ? TYPING_FRAME_MS : FRAME_MS) - now);
    if (this.frameTimer) {
      if (!typing || this.frameAt <= now + wait) return;
      clearTimeout(this.frameTimer);
    }
    this.echoFrame = typing;
    this.frameAt = now + wait;
    this.frameTimer = setTimeout(() => this.frame(), wait);
  }

  private frame(): void {
    this.frameTimer = null;
    this.lastFrame = Date.now();
    const echoFrame = this.echoFrame;
    this.echoFrame = false;
    if (this.stopping) return;
    if (this.feed.dirty) {
      this.refold();
      this.viewDirty = true;
    }
    this.syncHistory();
    const fresh = this.feed.takeEvents();
    if (fresh.length) {
      this.eventsThisSecond += fresh.length;
      this.state = update(this.state, { type: 'log', events: fresh }).state;
      this.viewDirty = true;
    }
    const relayout = this.viewDirty;
    if (relayout) {
      this.viewDirty = false;
      const sample = { eventsPerSec: this.eventsPerSec, cpuPercent: this.cpu, usage: this.usage };
      this.placement = this.view.apply(this.state, sample, () => this.batchLog.shown(), this.deps.info);
      this.sessions.sync(new Map([...this.placement].map(([id, p]) => [id, { cols: p.cols, rows: p.rows }])));
    }
    let from = Infinity;
    let to = -1;
    let deferred = false;
    for (const [taskId, p] of this.placement) {
      const session = this.sessions.get(taskId);
      const term = session?.follower?.terminal;
      if (!session || !term || !(session.dirty || relayout)) continue;
      const focused = this.state.selected === `task:${taskId}`;
      const due = this.lastFrame - session.drawnAt >= (echoFrame ? ECHO_FRAME_DEFER_MS : BACKGROUND_FRAME_MS);
      if (!relayout && !focused && !due) {
        deferred = true;
        continue;
      }
      session.dirty = false;
      session.drawnAt = this.lastFrame;
      p.tile.cells = renderCells(term, p.cols, p.rows, { color: !NO_COLOR, cursor: focused, scrollback: this.state.scroll[taskId] ?? 0 });
      const rows = relayout || this.state.overlay ? null : p.tile.paintInPlace(this.deps.screen);
      if (rows) [from, to] = [Math.min(from, rows.from), Math.max(to, rows.to)];
    }
    // Only panes changed (and nothing lies over them): draw their rows, skip re-rendering every widget.
    if (relayout || this.state.overlay) this.deps.screen.render();
    else if (to >= from) (this.deps.screen as unknown as { draw(a: number, b: number): void }).draw(from, to);
    if (deferred) this.requestFrame();
  }

  /** Tells update how far each shown pane can scroll: the history lives in the pane's terminal, not in the state. */
  private syncHistory(): void {
    let changed: Record<string, number> | null = null;
    for (const taskId of this.placement.keys()) {
      const term = this.sessions.get(taskId)?.follower?.terminal;
      if (!term) continue;
      const lines = Math.max(0, term.buffer.active.length - term.rows);
      if (this.state.history[taskId] !== lines) (changed ??= {})[taskId] = lines;
    }
    const pushed = this.sessions.takePushed(this.placement.keys());
    if (!changed && !pushed) return;
    const before = this.state.scroll;
    this.state = update(this.state, { type: 'history', lines: changed ?? {}, ...(pushed ? { pushed } : {}) }).state;
    if (this.state.scroll !== before) this.viewDirty = true; // a clamped scroll changes the tile's title
  }

  /** The batch log view reads its files here, after a state change or on a tick: never while drawing. */
  private syncBatchLog(): void {
    // The rows the overlay's box shows, in the screen less its status line (as the view lays it out).
    const msg = this.batchLog.refresh(this.state.overlay, overlayTextRows((this.deps.screen.height as number) - 1));
    if (msg) this.state = update(this.state, msg).state;
  }

  /** The terminal grid's cells on this screen: the layout's region, above the status line (as the view lays it out). */
  private gridArea(): Rect {
    const { screen, layout } = this.deps;
    return layoutRects(layout.layout, screen.width as number, (screen.height as number) - 1).terminals!;
  }

  async quit(stopDaemon: boolean, code: number): Promise<void> {
    if (this.stopping) return;
    if (stopDaemon) {
      this.dispatch({ type: 'message', text: 'stopping the daemon…' });
      this.frame();
    }
    this.stopping = true;
    if (stopDaemon) await this.deps.client.request('stop').catch(() => undefined);
    if (this.tick) clearInterval(this.tick);
    if (this.frameTimer) clearTimeout(this.frameTimer);
    this.sessions.dispose();
    this.deps.client.close();
    this.finish(code);
  }
}
