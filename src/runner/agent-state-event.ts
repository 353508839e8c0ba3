import type { EventDraft } from '../core/events.js';
import { logPaths } from '../telemetry/run-store.js';
import type { TaskDriver } from './task-driver.js';

/** What an agent in a task is doing, as lacp can tell: from its own event stream, or from its screen. */
export type AgentStateName = 'busy' | 'waiting' | 'idle';

/** The `tool_event` of type `agent_state` that records a change; the TUI marks the task from it. */
export function agentStateEvent(
  task: TaskDriver,
  state: AgentStateName,
  previous: AgentStateName | null,
  source: 'opencode' | 'screen',
  detail?: string,
): EventDraft {
  return {
    event: 'tool_event',
    run_id: task.id.runId,
    task_id: task.id.taskId,
    tool: task.plan.tool,
    mode: task.plan.spec.mode,
    phase: task.id.phase,
    agent_role: task.id.agentRole,
    log_paths: logPaths(task.id.taskId),
    status: 'running',
    tool_event_type: 'agent_state',
    data: { state, previous, source },
    summary: `agent ${state}${state === 'waiting' ? `: ${detail ?? 'a permission or question waits for you'}` : ''}`.slice(0, 200),
  };
}
