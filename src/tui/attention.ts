import type { TelemetryEvent } from '../core/events.js';

/** Why a task wants the human: its agent waits for an answer, or finished its turn. */
export type Attention = 'waiting' | 'idle';

interface AgentStateData {
  state?: unknown;
  previous?: unknown;
}

/**
 * Folds `agent_state` tool events into the attention marks: `waiting`, and `idle`
 * right after `busy`, raise a mark; `busy` clears it. `ring` is true when a mark was
 * raised by an event newer than `since` (history replayed at start rings no bell).
 */
export function applyAgentStates(
  marks: Readonly<Record<string, Attention>>,
  events: readonly TelemetryEvent[],
  since: string,
): { marks: Record<string, Attention>; ring: boolean } {
  let next: Record<string, Attention> | null = null;
  let ring = false;
  for (const e of events) {
    if (e.event !== 'tool_event' || e.tool_event_type !== 'agent_state') continue;
    const data = (e.data ?? {}) as AgentStateData;
    next ??= { ...marks };
    const raise = data.state === 'waiting' || (data.state === 'idle' && data.previous === 'busy');
    if (raise) {
      next[e.task_id] = data.state as Attention;
      if (e.ts > since) ring = true;
    } else if (data.state === 'busy') {
      delete next[e.task_id];
    }
  }
  return { marks: next ?? { ...marks }, ring };
}
