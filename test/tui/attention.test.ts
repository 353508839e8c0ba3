import { describe, expect, it } from 'vitest';
import type { TelemetryEvent } from '../../src/core/events.js';
import { initialState } from '../../src/tui/app-state.js';
import { applyAgentStates } from '../../src/tui/attention.js';
import { update } from '../../src/tui/update.js';
import { runTreeLines } from '../../src/tui/view/run-tree-view.js';

function agentState(taskId: string, state: string, previous: string | null, ts: string): TelemetryEvent {
  return {
    ts, seq: 1, run_id: 'RUN-20261124-001', event: 'tool_event', status: 'running', summary: `agent ${state}`,
    task_id: taskId, tool: 'opencode_interactive', mode: 'interactive', phase: null, agent_role: null,
    log_paths: { stdout: '', stderr: '' }, tool_event_type: 'agent_state', data: { state, previous },
  };
}

describe('agent attention', () => {
  it('waiting, and idle after busy, raise a mark; busy clears it', () => {
    const t = '2026-11-24T10:00:00.000Z';
    let { marks } = applyAgentStates({}, [agentState('a', 'busy', 'idle', t), agentState('a', 'idle', 'busy', t)], t);
    expect(marks).toEqual({ a: 'idle' });
    ({ marks } = applyAgentStates(marks, [agentState('a', 'busy', 'idle', t), agentState('b', 'waiting', 'busy', t)], t));
    expect(marks).toEqual({ b: 'waiting' });
    expect(applyAgentStates({}, [agentState('c', 'idle', null, t)], t).marks).toEqual({});
  });

  it('a new mark rings the bell once, history does not; the run tree shows it; entering the pane clears it', () => {
    let state = initialState(9);
    const old = agentState('t-a', 'waiting', 'busy', '2000-01-01T00:00:00.000Z');
    const step1 = update(state, { type: 'log', events: [old] });
    expect(step1.effects).toEqual([]);
    const fresh = agentState('t-a', 'idle', 'busy', '2999-01-01T00:00:00.000Z');
    const step2 = update(step1.state, { type: 'log', events: [fresh] });
    expect(step2.effects).toEqual([{ type: 'bell' }]);
    state = update(step2.state, {
      type: 'runs',
      pids: {},
      runs: [{ run_id: 'RUN-20261124-001', title: null, started_at: null, tasks: [{
        task_id: 't-a', run_id: 'RUN-20261124-001', tool: 'opencode_interactive', mode: 'interactive', phase: null, agent_role: null,
        title: null, status: 'running', queued_at: '', started_at: null, ended_at: null, duration_ms: 1000, exit_code: null,
        error_class: null, summary: '', started_by: null,
      }] }],
    }).state;
    expect(runTreeLines(state, 60, 10).join('\n')).toMatch(/!.*t-a/);
    const entered = update({ ...state, selected: 'task:t-a' }, { type: 'key', name: 'enter', ch: '\r', seq: '\r' }).state;
    expect(entered.focus).toBe('pane');
    expect(entered.attention).toEqual({});
  });
});
