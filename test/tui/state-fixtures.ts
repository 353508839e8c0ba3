import { initialState, type AppState, type Msg } from '../../src/tui/app-state.js';
import { update } from '../../src/tui/update.js';
import type { RunRow, TaskRow } from '../../src/core/task-view.js';

/** Task rows and key presses for driving the pure update() without a terminal. */
export const key = (name: string, seq = name): Msg => ({ type: 'key', name, ch: name.length === 1 ? name : undefined, seq });

export function task(id: string, over: Partial<TaskRow> = {}): TaskRow {
  return {
    task_id: id, run_id: 'RUN-1', tool: 'shell', mode: 'interactive', phase: null, agent_role: null, title: null, status: 'running',
    queued_at: '2026-01-01T00:00:00.000Z', started_at: null, ended_at: null, duration_ms: null, exit_code: null, error_class: null,
    summary: '', started_by: null, ...over,
  };
}

export function runsMsg(...tasks: TaskRow[]): Msg {
  const runs: RunRow[] = [{ run_id: 'RUN-1', title: null, started_at: null, tasks }];
  return { type: 'runs', runs, pids: {} };
}

export function withTasks(...tasks: TaskRow[]): AppState {
  return update(initialState(9), runsMsg(...tasks)).state;
}

export function press(state: AppState, ...names: string[]) {
  let effects: ReturnType<typeof update>['effects'] = [];
  for (const n of names) ({ state, effects } = update(state, key(n)));
  return { state, effects };
}
