import type { TelemetryEvent } from '../core/events.js';

export interface TokenUsage {
  tokens: number;
  cost: number;
}

/**
 * Tokens and cost a tool reported in one event: OpenCode's `step_finish` tool events
 * carry `tokens` (total, or input + output + reasoning) and `cost` in dollars.
 */
export function usageOf(e: TelemetryEvent): TokenUsage | null {
  if (e.event !== 'tool_event' || e.tool_event_type !== 'step_finish') return null;
  const data = e.data as { tokens?: Record<string, unknown>; cost?: unknown } | null;
  if (!data || typeof data !== 'object') return null;
  const t = data.tokens ?? {};
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  const tokens = typeof t.total === 'number' ? n(t.total) : n(t.input) + n(t.output) + n(t.reasoning);
  return { tokens, cost: n(data.cost) };
}

export function formatUsage(u: TokenUsage): string {
  const tokens = u.tokens >= 1_000_000 ? `${(u.tokens / 1e6).toFixed(2)}M` : u.tokens >= 1000 ? `${(u.tokens / 1000).toFixed(1)}k` : String(u.tokens);
  return `tokens ${tokens}  cost $${u.cost.toFixed(4)}`;
}
