import { oneLine } from '../core/terminal-text.js';

/**
 * One line of `opencode run --format json`, lifted into what lacp keeps of it.
 * OpenCode prints `{type, timestamp, sessionID, part | error}`; the types are
 * step_start, text, reasoning, tool_use, step_finish and error.
 */
export interface LiftedEvent {
  /** OpenCode's own type: the event's `tool_event_type`. */
  type: string;
  /** The useful fields, every string bounded, so one event stays small whatever the tool printed. */
  data: Record<string, unknown>;
  summary: string;
  /** A finished text part of the answer. */
  text?: string;
  /** A finished step's tokens and cost, to be summed. */
  usage?: { tokens: number; cost: number };
  /** The stream says the run failed, whatever the exit code will be. */
  failure?: string;
}

/** Per string field of an event's data: enough to recognise a command or an error, not a whole file. */
export const DATA_STRING_CHARS = 2_000;
/** A tool's input is kept as an object while its JSON is this short, else as a cut string. */
const INPUT_JSON_CHARS = 2_000;
const SUMMARY_CHARS = 200;

/** OpenCode's wording when a tool call needed a permission nobody granted (`run` auto-rejects asks). */
const PERMISSION_REJECTED = /rejected permission to use this specific tool call/i;

/** Null for a line that is not an OpenCode event (not JSON, or no `type`): it stays in the log only. */
export function liftOpenCodeLine(line: string): LiftedEvent | null {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return null;
  }
  if (!isRecord(raw) || typeof raw.type !== 'string') return null;
  const part = isRecord(raw.part) ? raw.part : {};
  const base = { session_id: str(raw.sessionID), timestamp: typeof raw.timestamp === 'number' ? raw.timestamp : null };
  switch (raw.type) {
    case 'step_start':
      return { type: raw.type, data: { ...base, message_id: str(part.messageID) }, summary: 'step started' };
    case 'text':
    case 'reasoning': {
      const text = typeof part.text === 'string' ? part.text : '';
      return {
        type: raw.type,
        data: { ...base, text: cut(text), chars: text.length },
        summary: `${raw.type}: ${text}`,
        ...(raw.type === 'text' && text ? { text } : {}),
      };
    }
    case 'tool_use':
      return liftToolUse(base, part);
    case 'step_finish': {
      const tokens = isRecord(part.tokens) ? part.tokens : {};
      const total = num(tokens.total) ?? (num(tokens.input) ?? 0) + (num(tokens.output) ?? 0) + (num(tokens.reasoning) ?? 0);
      const cost = num(part.cost) ?? 0;
      return {
        type: raw.type,
        data: { ...base, reason: str(part.reason), tokens: boundedTokens(tokens), cost },
        summary: `step finished (${str(part.reason) ?? 'unknown'}): ${total} tokens, $${cost}`,
        usage: { tokens: total, cost },
      };
    }
    case 'error': {
      const error = isRecord(raw.error) ? raw.error : {};
      const errorData = isRecord(error.data) ? error.data : {};
      const name = str(error.name) ?? 'Error';
      const message = str(errorData.message) ?? str(error.message) ?? 'no message';
      const status = num(errorData.statusCode);
      const failure = `OpenCode ${name}${status === undefined ? '' : ` (HTTP ${status})`}: ${message}`;
      return { type: raw.type, data: { ...base, name, message: cut(message), status_code: status ?? null }, summary: failure, failure: bounded(failure) };
    }
    default:
      return { type: raw.type, data: { ...base, raw: cut(line) }, summary: `OpenCode event ${raw.type}` };
  }
}

function liftToolUse(base: Record<string, unknown>, part: Record<string, unknown>): LiftedEvent {
  const state = isRecord(part.state) ? part.state : {};
  const tool = str(part.tool) ?? 'unknown';
  const status = str(state.status) ?? 'unknown';
  const title = str(state.title);
  const error = str(state.error);
  const data = {
    ...base,
    tool,
    call_id: str(part.callID),
    status,
    title: title === undefined ? null : cut(title),
    input: boundedInput(state.input),
    output: typeof state.output === 'string' ? cut(state.output) : null,
    error: error === undefined ? null : cut(error),
  };
  const what = title ?? (isRecord(state.input) ? JSON.stringify(state.input) : '');
  if (status === 'error' && error !== undefined && PERMISSION_REJECTED.test(error)) {
    const failure = `permission rejected for tool ${tool}${what ? ` (${what})` : ''}`;
    return { type: 'tool_use', data, summary: failure, failure: bounded(failure) };
  }
  const outcome = status === 'error' ? `failed: ${error ?? 'no message'}` : status;
  return { type: 'tool_use', data, summary: `tool ${tool} ${outcome}${what ? `: ${what}` : ''}` };
}

function boundedInput(input: unknown): unknown {
  if (input === undefined) return null;
  const json = JSON.stringify(input) ?? 'null';
  return json.length <= INPUT_JSON_CHARS ? input : cut(json, INPUT_JSON_CHARS);
}

function boundedTokens(tokens: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of ['total', 'input', 'output', 'reasoning'] as const) {
    const value = num(tokens[key]);
    if (value !== undefined) out[key] = value;
  }
  const cache = isRecord(tokens.cache) ? tokens.cache : {};
  const read = num(cache.read);
  const write = num(cache.write);
  if (read !== undefined) out.cache_read = read;
  if (write !== undefined) out.cache_write = write;
  return out;
}

/** Cuts a string to `max` characters and says how much was left out. */
export function cut(text: string, max = DATA_STRING_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more chars)`;
}

/** Summaries and failure messages: one line, bounded. */
export function bounded(text: string): string {
  return oneLine(text, SUMMARY_CHARS);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}
