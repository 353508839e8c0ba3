import type { EventDraft } from '../core/events.js';
import { logPaths } from '../telemetry/run-store.js';
import type { TaskDriver } from './task-driver.js';

/** A `tool_event` of a running task: one of the tool's own events, lifted into telemetry. */
export function toolEventDraft(task: TaskDriver, type: string, data: unknown, summary: string): EventDraft {
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
    tool_event_type: type,
    data,
    summary,
  };
}

/** What an agent in a task is doing, as lacp can tell: from its own event stream, or from its screen. */
export type AgentStateName = 'busy' | 'waiting' | 'idle';

/** The `agent_state` tool event that records a change; the TUI marks the task from it. */
export function agentStateEvent(
  task: TaskDriver,
  state: AgentStateName,
  previous: AgentStateName | null,
  source: 'opencode' | 'screen',
  detail?: string,
): EventDraft {
  const summary = `agent ${state}${state === 'waiting' ? `: ${detail ?? 'a permission or question waits for you'}` : ''}`;
  return toolEventDraft(task, 'agent_state', { state, previous, source }, summary.slice(0, 200));
}
