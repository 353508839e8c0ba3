/**
 * Whether an interactive agent needs the human: `busy` (working), `waiting` (a
 * permission or a question is pending) or `idle` (done, its turn is over). Folded
 * from OpenCode's own event stream (`GET /event`): `{type, properties}` objects.
 */
export type AgentState = 'busy' | 'waiting' | 'idle';

export interface AgentTracker {
  /** Sessions OpenCode says are working (a retry counts: it is still on it). */
  busy: Set<string>;
  /** Pending permission requests and questions, by id. */
  pending: Set<string>;
}

export function newTracker(): AgentTracker {
  return { busy: new Set(), pending: new Set() };
}

/** Applies one event; returns the agent's state after it. */
export function trackEvent(t: AgentTracker, event: unknown): AgentState {
  if (typeof event === 'object' && event !== null) {
    const { type, properties } = event as { type?: unknown; properties?: Record<string, unknown> };
    const p = properties ?? {};
    const session = typeof p.sessionID === 'string' ? p.sessionID : '';
    const id = typeof p.id === 'string' ? p.id : typeof p.requestID === 'string' ? p.requestID : typeof p.permissionID === 'string' ? p.permissionID : session;
    switch (type) {
      case 'session.status': {
        const status = (p.status as { type?: unknown } | undefined)?.type;
        if (status === 'idle') t.busy.delete(session);
        else if (status === 'busy' || status === 'retry') t.busy.add(session);
        break;
      }
      case 'session.idle':
        t.busy.delete(session);
        break;
      case 'permission.asked':
      case 'permission.updated':
      case 'question.asked':
        t.pending.add(id);
        break;
      case 'permission.replied':
      case 'question.replied':
      case 'question.rejected':
        t.pending.delete(id);
        break;
    }
  }
  return stateOf(t);
}

export function stateOf(t: AgentTracker): AgentState {
  if (t.pending.size > 0) return 'waiting';
  return t.busy.size > 0 ? 'busy' : 'idle';
}

/** `--port N` in an OpenCode argv: where its HTTP API and event stream listen. */
export function portOf(argv: readonly string[]): number | null {
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = arg === '--port' ? argv[i + 1] : arg.startsWith('--port=') ? arg.slice('--port='.length) : undefined;
    if (value !== undefined) {
      const port = Number(value);
      return Number.isInteger(port) && port > 0 && port < 65536 ? port : null;
    }
  }
  return null;
}
