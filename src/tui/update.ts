import { oneLine } from '../core/terminal-text.js';
import { firstKeyLabel, paletteMatches, type CommandId } from './key-map.js';
import { applyAgentStates } from './attention.js';
import { editText } from './text-edit.js';
import { pasteForField } from './bracketed-paste.js';
import { pageCount, pageSlice, tilesFit } from './layout-math.js';
import { onNewTaskKey, openForm, submitFailed, submitted } from './new-task-form.js';
import {
  isLive, MAX_EVENT_LOG, paneTasks, selectedTask, treeRows,
  type AppState, type Effect, type Msg, type Overlay,
} from './app-state.js';
import type { TaskRow } from '../core/task-view.js';

export interface Step {
  state: AppState;
  effects: Effect[];
}

/** Lines one wheel notch or PgUp moves a pane's history. */
const SCROLL_STEP = 5;

/**
 * The whole UI logic: pure, so tests drive it without a terminal. Whatever a message
 * did, the grid then shows the selected pane's page: the selection drives the panes,
 * and a pane taking keys is always one the user sees.
 */
export function update(state: AppState, msg: Msg): Step {
  const step = reduce(state, msg);
  return { ...step, state: keysToDrawnPane(pageOfSelection(step.state)) };
}

function reduce(state: AppState, msg: Msg): Step {
  switch (msg.type) {
    case 'runs':
      return keep(afterRuns(state, { ...state, runs: msg.runs, pids: msg.pids, usage: msg.usage ?? state.usage, selected: state.selected ?? firstTaskKey(msg.runs) }));
    case 'log': {
      const events = state.events.concat(msg.events);
      const { marks, ring } = applyAgentStates(state.attention, msg.events, state.startedAt);
      const next = { ...state, attention: marks, events: events.length > MAX_EVENT_LOG ? events.slice(-MAX_EVENT_LOG) : events };
      return keep(next, ring ? [{ type: 'bell' }] : []);
    }
    case 'tools':
      return keep({ ...state, overlay: openForm(msg.tools) });
    case 'message':
      return keep({ ...state, message: msg.text });
    case 'submitted':
      return keep(submitted(state, msg.run_id, msg.task_id));
    case 'submit-failed':
      return keep(submitFailed(state, msg.error));
    case 'log-length': {
      const o = state.overlay;
      if (o?.kind !== 'log') return keep(state);
      // At the end the view follows the newest lines; scrolled back it keeps its first line where it
      // was (as a pager does), instead of drifting down the log with every line the task writes.
      const back = o.back === 0 ? 0 : msg.lines - msg.rows - (o.total - state.logRows - o.back);
      return keep({ ...state, logRows: msg.rows, overlay: { ...o, total: msg.lines, back: Math.min(Math.max(0, back), Math.max(0, msg.lines - msg.rows)) } });
    }
    case 'history': {
      const history = { ...state.history, ...msg.lines };
      let next: AppState = { ...state, history };
      for (const id of new Set([...Object.keys(msg.lines), ...Object.keys(msg.pushed ?? {})])) {
        const scroll = state.scroll[id] ?? 0;
        const pushed = msg.pushed?.[id] ?? 0;
        // Scrolled back, the pane keeps showing the same lines as new ones push into its history
        // (as tmux copy mode does), rather than drifting with the output; at the bottom it follows.
        if (scroll > 0 && pushed > 0) next = scrollTo(next, id, scroll + pushed);
        // A pane whose history shrank (cleared, resized) cannot stay scrolled past its top.
        else if (scroll > (history[id] ?? 0)) next = scrollTo(next, id, history[id] ?? 0);
      }
      return keep(next);
    }
    case 'grid-area':
      return keep({ ...state, gridArea: msg.area });
    case 'select-pane':
      return keep({ ...state, selected: `task:${msg.task_id}` });
    case 'wheel':
      return keep(scrollTo(state, msg.task_id, (state.scroll[msg.task_id] ?? 0) + msg.lines));
    case 'select-row':
      if (state.selected === msg.key || !treeRows(state).some((r) => r.key === msg.key)) return keep(state);
      // A click in the tree is a control-plane act: keys stop going to the pane left behind.
      return keep({ ...state, selected: msg.key, focus: 'control' });
    case 'paste':
      return onPaste({ ...state, leftPane: null }, msg.text); // input between two leave keys: no longer twice in a row
    case 'key':
      // leftPane lasts one key: the leave key pressed next sends itself (onKey); any other key ends it.
      return onKey({ ...state, message: null, leftPane: null }, msg.name, msg.ch, msg.seq, state.leftPane);
  }
}

function keep(state: AppState, effects: Effect[] = []): Step {
  return { state, effects };
}

/**
 * After new task rows: the selected pane's task may have ended. Keys must not keep going
 * to a pane that is gone, and zoom has nothing left to show, so both end with a word why.
 */
function afterRuns(before: AppState, after: AppState): AppState {
  const was = selectedTask(before);
  const now = selectedTask(after);
  let next = after;
  if (was?.mode === 'interactive' && was.status === 'running' && now && now.status !== 'running')
    next = { ...next, focus: 'control', zoom: false, message: endedText(now) };
  const lastPage = pageCount(paneTasks(next).length, next.maxTiles) - 1;
  return next.page > lastPage ? { ...next, page: lastPage } : next;
}

/** Whether the grid draws this task's pane now: zoomed on it, or on the page shown. */
function paneShown(state: AppState, taskId: string): boolean {
  if (state.zoom) return state.selected === `task:${taskId}`;
  const panes = paneTasks(state);
  const { first, count } = pageSlice(panes.length, state.maxTiles, state.page);
  return panes.slice(first, first + count).some((t) => t.task_id === taskId) && !tilesTooSmall(state);
}

/** The page's tiles do not fit the grid's area: none is drawn (the grid says so instead) until zoom. */
function tilesTooSmall(state: AppState): boolean {
  if (state.zoom || state.gridArea === null) return false;
  return !tilesFit(state.gridArea, pageSlice(paneTasks(state).length, state.maxTiles, state.page).count);
}

function tooSmallText(state: AppState, taskId: string): string {
  const zoom = firstKeyLabel(state.keyMap, 'zoom');
  return `${taskId}'s pane is too small to draw here: ${zoom === null ? 'zoom (palette)' : zoom} zooms it`;
}

/**
 * Keys go only to a pane the user sees: when its tiles stop fitting (a resize, one more
 * pane on the page), the pane taking the keys gives them back, saying why.
 */
function keysToDrawnPane(state: AppState): AppState {
  const task = state.focus === 'pane' ? selectedTask(state) : null;
  if (!task || task.status !== 'running' || !tilesTooSmall(state)) return state;
  return { ...state, focus: 'control', message: tooSmallText(state, task.task_id) };
}

/** The page holding the selected task's tile; other selections (a run, a batch task) leave the page where it is. */
function pageOfSelection(state: AppState): AppState {
  const at = paneTasks(state).findIndex((t) => `task:${t.task_id}` === state.selected);
  if (at < 0) return state;
  const page = Math.floor(at / state.maxTiles);
  return page === state.page ? state : { ...state, page };
}

function endedText(t: TaskRow): string {
  return t.exit_code !== null ? `${t.task_id} exited ${t.exit_code}` : `${t.task_id} ${t.status}`;
}

/** Scrolls a pane, within the history its terminal holds: an unknown history (not attached yet) is none. */
function scrollTo(state: AppState, taskId: string, lines: number): AppState {
  const top = state.history[taskId] ?? 0;
  return { ...state, scroll: { ...state.scroll, [taskId]: Math.min(top, Math.max(0, lines)) } };
}

function firstTaskKey(runs: AppState['runs']): string | null {
  const last = runs.at(-1);
  const task = last?.tasks.at(-1);
  return task ? `task:${task.task_id}` : last ? `run:${last.run_id}` : null;
}

function onKey(state: AppState, name: string, ch: string | undefined, seq: string, leftPane: string | null = null): Step {
  if (state.overlay) return onOverlayKey(state, state.overlay, name, ch);
  const id = state.keyIndex.get(name);
  if (state.focus === 'pane' && id === 'leave') return keep({ ...state, focus: 'control', leftPane: selectedTask(state)?.task_id ?? null });
  // The leave key twice (as tmux's prefix): the second goes to the pane just left, which takes the keys again.
  if (state.focus === 'control' && id === 'leave' && leftPane !== null && state.selected === `task:${leftPane}`)
    return toPane({ ...state, focus: 'pane' }, (task_id) => ({ type: 'input', task_id, data: seq }));
  if (state.focus === 'pane') return toPane(state, (task_id) => ({ type: 'input', task_id, data: seq }));
  return id ? runCommand(state, id) : keep(state);
}

/** Input for the selected pane; or, if it cannot take it, the keys back to the control plane with a word why. */
function toPane(state: AppState, input: (taskId: string) => Effect): Step {
  const task = selectedTask(state);
  // The task ended before its rows said so: this input was meant for it, so it is not run as a command.
  if (!task || task.status !== 'running') return keep({ ...state, focus: 'control', message: task ? endedText(task) : null });
  // Keys go only into a pane the user sees (update keeps the selected pane's page shown; this holds it).
  if (!paneShown(state, task.task_id)) return keep({ ...state, focus: 'control', message: `${task.task_id}'s pane is not on screen` });
  return keep(state, [input(task.task_id)]);
}

/** Not the name of any key: a paste reaches a text field as typed text, never as a command. */
const PASTE_KEY = 'paste';

/**
 * A paste goes to the pane taking the keys, or into the text field open; anywhere else
 * it is dropped, since its letters and newlines would run commands (q quits, y confirms).
 */
function onPaste(state: AppState, text: string): Step {
  const o = state.overlay;
  if (o) {
    const field = o.kind === 'filter' || o.kind === 'palette' || (o.kind === 'new-task' && o.step !== 'tool' && !o.pending);
    const line = pasteForField(text);
    return field && line ? onOverlayKey(state, o, PASTE_KEY, line) : keep(state);
  }
  if (state.focus === 'pane') return toPane(state, (task_id) => ({ type: 'paste', task_id, text }));
  return keep({ ...state, message: 'paste ignored: it goes into a pane (Enter one first) or an open text field' });
}

export function runCommand(state: AppState, id: CommandId): Step {
  const task = selectedTask(state);
  switch (id) {
    case 'help':
      return keep({ ...state, overlay: { kind: 'help' } });
    case 'palette':
      return keep({ ...state, overlay: { kind: 'palette', query: '', index: 0 } });
    case 'filter':
      return keep({ ...state, overlay: { kind: 'filter', draft: state.filter } });
    case 'down':
    case 'up':
      return keep(moveSelection(state, id === 'down' ? 1 : -1));
    case 'next-pane':
    case 'prev-pane':
      return keep(cyclePane(state, id === 'next-pane' ? 1 : -1));
    case 'enter':
      if (!task) return keep({ ...state, message: 'select a task first (j/k)' });
      if (task.mode === 'interactive' && task.status === 'running') {
        if (tilesTooSmall(state)) return keep({ ...state, message: tooSmallText(state, task.task_id) });
        const { [task.task_id]: _seen, ...attention } = state.attention; // the human looked
        return keep({ ...state, attention, focus: 'pane', scroll: { ...state.scroll, [task.task_id]: 0 } });
      }
      if (task.mode === 'interactive') return keep({ ...state, message: `${task.task_id} is ${task.status}: no live pane` });
      return keep({ ...state, overlay: { kind: 'log', run_id: task.run_id, task_id: task.task_id, back: 0, total: 0 } });
    case 'leave':
      return keep({ ...state, focus: 'control' });
    case 'zoom':
      if (state.zoom) return keep({ ...state, zoom: false });
      if (!task || !paneTasks(state).some((t) => t.task_id === task.task_id)) return keep({ ...state, message: 'no pane selected (Tab selects one)' });
      return keep({ ...state, zoom: true });
    case 'new-task':
      return keep(state, [{ type: 'load-tools' }]);
    case 'cancel':
      if (!task || !isLive(task)) return keep({ ...state, message: 'select a live task to cancel' });
      return keep({ ...state, overlay: { kind: 'confirm', question: `cancel ${task.task_id} (${task.tool})?`, effects: [{ type: 'cancel', task_id: task.task_id }] } });
    case 'approve':
    case 'reject':
      if (!task || task.status !== 'awaiting_checkpoint') return keep({ ...state, message: 'select a task waiting at a checkpoint' });
      return keep(state, [{ type: id, task_id: task.task_id }]);
    case 'events-scope':
      return keep({ ...state, eventsScope: state.eventsScope === 'all' ? 'selected' : 'all' });
    case 'page-next':
    case 'page-prev':
    {
      const panes = paneTasks(state);
      const lastPage = pageCount(panes.length, state.maxTiles) - 1;
      const page = Math.min(lastPage, Math.max(0, state.page + (id === 'page-next' ? 1 : -1)));
      // A selected pane comes along to the page shown (its first pane): the page follows the selection.
      const onPane = panes.some((t) => `task:${t.task_id}` === state.selected);
      const first = panes[page * state.maxTiles];
      return keep({ ...state, page, selected: onPane && first ? `task:${first.task_id}` : state.selected });
    }
    case 'scroll-up':
    case 'scroll-down': {
      if (!task) return keep(state);
      return keep(scrollTo(state, task.task_id, (state.scroll[task.task_id] ?? 0) + (id === 'scroll-up' ? SCROLL_STEP : -SCROLL_STEP)));
    }
    case 'quit':
      return keep(state, [{ type: 'quit', stopDaemon: false }]);
    case 'quit-stop': {
      const live = state.runs.flatMap((r) => r.tasks).filter((t) => t.status === 'running' || t.status === 'queued' || t.status === 'awaiting_checkpoint');
      const stop: Effect = { type: 'quit', stopDaemon: true };
      if (live.length === 0) return keep(state, [stop]);
      return keep({ ...state, overlay: { kind: 'confirm', question: `stop the daemon and cancel ${live.length} live task${live.length === 1 ? '' : 's'}?`, effects: [stop] } });
    }
  }
}

function moveSelection(state: AppState, delta: number): AppState {
  const rows = treeRows(state);
  if (rows.length === 0) return state;
  const at = rows.findIndex((r) => r.key === state.selected);
  const next = at < 0 ? 0 : Math.min(rows.length - 1, Math.max(0, at + delta));
  return { ...state, selected: rows[next]!.key };
}

function cyclePane(state: AppState, delta: number): AppState {
  const panes = paneTasks(state);
  if (panes.length === 0) return { ...state, message: 'no live interactive task' };
  const at = panes.findIndex((t) => `task:${t.task_id}` === state.selected);
  const next = at < 0 ? 0 : (at + delta + panes.length) % panes.length;
  return { ...state, selected: `task:${panes[next]!.task_id}` }; // update() shows its page
}

/** Where a key moves the batch log view (lines back from the newest), or null: the key closes it. */
function scrollLog(back: number, name: string, page: number): number | null {
  switch (name) {
    case 'up':
    case 'k':
      return back + 1;
    case 'down':
    case 'j':
      return Math.max(0, back - 1);
    case 'pageup':
      return back + page;
    case 'pagedown':
      return Math.max(0, back - page);
    case 'home':
    case 'g':
      return Number.MAX_SAFE_INTEGER;
    case 'end':
    case 'G':
      return 0;
    default:
      return null;
  }
}

function onOverlayKey(state: AppState, overlay: Overlay, name: string, ch: string | undefined): Step {
  const close = { ...state, overlay: null };
  switch (overlay.kind) {
    case 'help':
      return keep(close);
    case 'log': {
      const back = scrollLog(overlay.back, ch && /^[jkgG]$/.test(ch) ? ch : name, state.logRows);
      if (back === null) return keep(close);
      return keep({ ...state, overlay: { ...overlay, back: Math.min(back, Math.max(0, overlay.total - state.logRows)) } });
    }
    case 'confirm':
      if (ch === 'y' || ch === 'Y') return keep(close, overlay.effects);
      return keep({ ...close, message: 'not done' });
    case 'filter': {
      const r = editText(overlay.draft, name, ch, overlay.cursor);
      if (r.kind === 'cancel') return keep({ ...close, filter: '' });
      if (r.kind === 'submit') return keep(close);
      return keep({ ...state, filter: r.value, overlay: { kind: 'filter', draft: r.value, cursor: r.cursor } });
    }
    case 'palette': {
      const matches = paletteMatches(state.keyMap, overlay.query);
      if (name === 'down' || name === 'up') {
        const index = Math.min(Math.max(0, overlay.index + (name === 'down' ? 1 : -1)), Math.max(0, matches.length - 1));
        return keep({ ...state, overlay: { ...overlay, index } });
      }
      const r = editText(overlay.query, name, ch, overlay.cursor);
      if (r.kind === 'cancel') return keep(close);
      if (r.kind === 'submit') {
        const chosen = matches[overlay.index];
        return chosen ? runCommand(close, chosen.id) : keep({ ...close, message: `no command matches '${oneLine(overlay.query, 30)}' (: lists them all)` });
      }
      // Moving the cursor keeps the selection; a changed query starts again from its best match.
      return keep({ ...state, overlay: { ...overlay, query: r.value, index: r.value === overlay.query ? overlay.index : 0, cursor: r.cursor } });
    }
    case 'new-task':
      return onNewTaskKey(state, overlay, name, ch);
  }
}
