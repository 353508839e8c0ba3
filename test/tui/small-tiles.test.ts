import { describe, expect, it } from 'vitest';
import type { TaskRow } from '../../src/core/task-view.js';
import { initialState, type AppState } from '../../src/tui/app-state.js';
import { update } from '../../src/tui/update.js';
import { press, runsMsg, task } from './state-fixtures.js';

/** The grid's area in cells, as the shell reports it (on start and on resize). */
const area = (width: number, height: number): Parameters<typeof update>[1] => ({ type: 'grid-area', area: { left: 0, top: 0, width, height } });

const four = [task('t-1'), task('t-2'), task('t-3'), task('t-4')];

function withGrid(width: number, height: number, ...tasks: TaskRow[]): AppState {
  return update(update(initialState(9), area(width, height)).state, runsMsg(...tasks)).state;
}

describe('tiles too small to draw', () => {
  it('Enter does not give the keys to a pane the grid cannot draw; zoomed, it does', () => {
    // Four panes in 20x5 cells: 2x2 tiles of two rows, less than a border and a row.
    const s = withGrid(20, 5, ...four);
    expect(s.selected).toBe('task:t-4');
    const entered = press(s, 'enter');
    expect(entered.state.focus).toBe('control');
    expect(entered.state.message).toBe("t-4's pane is too small to draw here: z zooms it");
    expect(press(entered.state, 'x').effects).toEqual([]);
    // Zoomed, the pane has the whole screen: it takes the keys.
    const zoomed = press(s, 'z', 'enter');
    expect(zoomed.state).toMatchObject({ zoom: true, focus: 'pane' });
    expect(press(zoomed.state, 'x').effects).toEqual([{ type: 'input', task_id: 't-4', data: 'x' }]);
  });

  it('a pane taking the keys gives them back when a resize makes the tiles too small', () => {
    let s = withGrid(40, 20, ...four);
    s = press(s, 'enter').state;
    expect(s.focus).toBe('pane');
    s = update(s, area(20, 5)).state;
    expect(s).toMatchObject({ focus: 'control', message: "t-4's pane is too small to draw here: z zooms it" });
    // The next key is a command again, not input for the hidden pane.
    const step = press(s, 'x');
    expect(step.effects).toEqual([]);
  });

  it('... or when a new pane on the page makes them too small', () => {
    // One pane in 7 columns fits; two side by side (3 and 4 columns) do not.
    let s = withGrid(7, 10, task('t-1'));
    s = press(s, 'enter').state;
    expect(s.focus).toBe('pane');
    s = update(s, runsMsg(task('t-1'), task('t-2'))).state;
    expect(s.focus).toBe('control');
    expect(s.message).toBe("t-1's pane is too small to draw here: z zooms it");
  });
});
