import type { TelemetryEvent } from '../core/events.js';
import type { RunRow, TaskRow } from '../core/task-view.js';
import { FINAL_STATUSES } from '../core/status.js';
import type { Attention } from './attention.js';
import type { TokenUsage } from './token-usage.js';
import { buildKeyIndex, KEY_MAP, type CommandId, type CommandSpec } from './key-map.js';
import type { Rect } from './layout-math.js';

/** Events the log keeps in memory: enough to scroll back a while, bounded however long the UI runs. */
export const MAX_EVENT_LOG = 2000;

export interface ToolChoice {
  name: string;
  mode: string;
  description: string;
  /** `{placeholder}`s the tool's templates use besides prompt: asked for as KEY=VALUE. */
  placeholders: string[];
  /** false: no template of the tool has `{prompt}`, so the new-task form does not ask for one. */
  usesPrompt?: boolean;
}

/** What the UI is asking for on top of the panes: one at a time. */
export type Overlay =
  | { kind: 'help' }
  /** `cursor` (here and below): where typing goes in the field being typed, a UTF-16 index; absent, its end. */
  | { kind: 'palette'; query: string; index: number; cursor?: number }
  | { kind: 'confirm'; question: string; effects: Effect[] }
  /** `pending`: submitted, waiting for the daemon; `error`: why the last submit was refused. */
  | { kind: 'new-task'; step: 'tool' | 'prompt' | 'vars'; tools: ToolChoice[]; index: number; prompt: string; vars: string; pending: boolean; error: string | null; cursor?: number }
  | { kind: 'filter'; draft: string; cursor?: number }
  /** `back`: lines scrolled back from the newest (0 follows the output); `total`: lines the view last read. */
  | { kind: 'log'; run_id: string; task_id: string; back: number; total: number };

/** Side effects update asks the shell to perform: commands as data. */
export type Effect =
  | { type: 'submit'; tool: string; prompt: string | null; set: Record<string, string> }
  | { type: 'cancel'; task_id: string }
  | { type: 'approve'; task_id: string }
  | { type: 'reject'; task_id: string }
  | { type: 'input'; task_id: string; data: string }
  /** A paste for a pane: the shell wraps it in the markers if the pane's program asked for bracketed paste. */
  | { type: 'paste'; task_id: string; text: string }
  | { type: 'load-tools' }
  | { type: 'quit'; stopDaemon: boolean }
  /** The terminal bell: an agent wants the human. */
  | { type: 'bell' };

export type Msg =
  | { type: 'key'; name: string; ch: string | undefined; seq: string }
  | { type: 'runs'; runs: RunRow[]; pids: Record<string, number>; usage?: TokenUsage }
  | { type: 'log'; events: TelemetryEvent[] }
  | { type: 'tools'; tools: ToolChoice[] }
  | { type: 'message'; text: string }
  | { type: 'submitted'; run_id: string; task_id: string }
  | { type: 'submit-failed'; error: string }
  /**
   * Lines of history each shown pane's terminal holds above its screen (known only to the
   * shell), and lines pushed into it since the last report (the length stops growing once full).
   */
  | { type: 'history'; lines: Record<string, number>; pushed?: Record<string, number> }
  /** The batch log view read `lines` lines and shows `rows` of them. */
  | { type: 'log-length'; lines: number; rows: number }
  | { type: 'select-pane'; task_id: string }
  /** Where the terminal grid is on screen now (sent on start and on resize): whether its tiles can be drawn. */
  | { type: 'grid-area'; area: Rect }
  /** A click on a run-tree row (`run:ID` or `task:ID`). */
  | { type: 'select-row'; key: string }
  /** Text the host terminal marked as pasted (bracketed paste), markers removed. */
  | { type: 'paste'; text: string }
  | { type: 'wheel'; task_id: string; lines: number };

export interface AppState {
  runs: RunRow[];
  pids: Record<string, number>;
  usage: TokenUsage;
  /** The bindings in force: the help overlay and the palette are generated from this. */
  keyMap: readonly CommandSpec[];
  keyIndex: ReadonlyMap<string, CommandId>;
  /** `run:ID` or `task:ID`. */
  selected: string | null;
  focus: 'control' | 'pane';
  /** The pane the leave key just left: pressed again at once, the key goes to that pane (like tmux's prefix twice). */
  leftPane: string | null;
  zoom: boolean;
  page: number;
  /** The grid's cells, as last reported by the shell; null: not known yet (tiles taken as drawn). */
  gridArea: Rect | null;
  maxTiles: number;
  overlay: Overlay | null;
  filter: string;
  eventsScope: 'all' | 'selected';
  events: TelemetryEvent[];
  /** Lines each pane is scrolled up into its history. */
  scroll: Record<string, number>;
  /** How far each pane can scroll up: its terminal's history, as last reported by the shell. */
  history: Record<string, number>;
  /** Rows of output the batch log view shows (its page for PgUp and PgDn), as last reported by the shell. */
  logRows: number;
  message: string | null;
  /** Tasks whose agent waits for the human or finished its turn, until the human looks. */
  attention: Record<string, Attention>;
  /** Events older than this are history: they mark tasks but ring no bell. */
  startedAt: string;
}

export function initialState(maxTiles: number, keyMap: readonly CommandSpec[] = KEY_MAP): AppState {
  return {
    keyMap, keyIndex: buildKeyIndex(keyMap),
    runs: [], pids: {}, usage: { tokens: 0, cost: 0 }, selected: null, focus: 'control', leftPane: null, zoom: false, page: 0, maxTiles, overlay: null,
    gridArea: null, filter: '', eventsScope: 'all', events: [], scroll: {}, history: {}, logRows: 20, message: null,
    attention: {}, startedAt: new Date().toISOString(),
  };
}

export type TreeRow = { key: string; run: RunRow; task: TaskRow | null };

/** The run tree as shown: runs newest first, each followed by its tasks; the filter keeps matching tasks and their runs. */
export function treeRows(state: AppState): TreeRow[] {
  const f = state.filter.toLowerCase();
  const rows: TreeRow[] = [];
  for (const run of [...state.runs].reverse()) {
    const tasks = f ? run.tasks.filter((t) => taskText(t).includes(f)) : run.tasks;
    if (f && tasks.length === 0 && !run.run_id.toLowerCase().includes(f)) continue;
    rows.push({ key: `run:${run.run_id}`, run, task: null });
    for (const task of tasks) rows.push({ key: `task:${task.task_id}`, run, task });
  }
  return rows;
}

function taskText(t: TaskRow): string {
  return [t.task_id, t.tool, t.status, t.phase ?? '', t.agent_role ?? '', t.title ?? '', t.summary].join(' ').toLowerCase();
}

export function selectedTask(state: AppState): TaskRow | null {
  if (!state.selected?.startsWith('task:')) return null;
  const id = state.selected.slice(5);
  for (const run of state.runs) for (const t of run.tasks) if (t.task_id === id) return t;
  return null;
}

export function selectedRunId(state: AppState): string | null {
  const task = selectedTask(state);
  if (task) return task.run_id;
  return state.selected?.startsWith('run:') ? state.selected.slice(4) : null;
}

/** Tasks that get a tile: live interactive ones, oldest first (stable places in the grid). */
export function paneTasks(state: AppState): TaskRow[] {
  const out: TaskRow[] = [];
  for (const run of state.runs)
    for (const t of run.tasks) if (t.mode === 'interactive' && t.status === 'running') out.push(t);
  return out;
}

export function isLive(t: TaskRow): boolean {
  return !FINAL_STATUSES.has(t.status);
}
