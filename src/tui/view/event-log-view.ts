import type { TelemetryEvent } from '../../core/events.js';
import { selectedRunId, type AppState } from '../app-state.js';
import { firstKeyLabel, type CommandId, type CommandSpec } from '../key-map.js';
import blessed from 'blessed';
import { oneLine } from '../../core/terminal-text.js';
import { fitColumns } from './fit-columns.js';
import { EVENT_COLOR, paint } from './style.js';

/** Event names are padded to the longest (checkpoint_required) so messages line up. */
const EVENT_NAME_COLUMNS = 19;
/**
 * Narrowest a cut message may be (… included) before the padding and then the time give
 * way: a task id (13), its tool and the start of what happened.
 */
const MIN_MESSAGE_CUT = 24;
/** Task text is made one line before fitting; this only bounds a runaway summary. */
const MAX_MESSAGE = 500;

/** The newest events that fit, for all runs or the selected one, matching the filter. */
export function eventLogLines(state: AppState, width: number, height: number): string[] {
  const run = state.eventsScope === 'selected' ? selectedRunId(state) : null;
  const f = state.filter.toLowerCase();
  const out: string[] = [];
  for (let i = state.events.length - 1; i >= 0 && out.length < height; i--) {
    const e = state.events[i]!;
    if (run && e.run_id !== run) continue;
    const plain = describe(e, state.keyMap);
    if (f && !plain.toLowerCase().includes(f)) continue;
    out.push(eventLine(e.ts.slice(11, 19), e.event, plain, width));
  }
  return out.reverse();
}

/**
 * `TIME EVENT MESSAGE` in `width` columns, fitted like the run tree's rows: the message is
 * cut first (keeping MIN_MESSAGE_CUT), then the event name's padding goes, then the time;
 * the event name stays. The name, the one part painted, is found again after fitting.
 */
function eventLine(time: string, event: string, message: string, width: number): string {
  const line = fitColumns([
    { text: time, dropAt: 2 },
    { text: event, padTo: EVENT_NAME_COLUMNS, unpadAt: 1 },
    { text: oneLine(message, MAX_MESSAGE), cutAt: 0, minCut: MIN_MESSAGE_CUT },
  ], width);
  const at = line.startsWith(`${time} `) ? time.length + 1 : 0;
  const name = /^[a-z_]*…?/.exec(line.slice(at))![0];
  return `${blessed.escape(line.slice(0, at))}${paint(EVENT_COLOR[event] ?? 'white', name)}${blessed.escape(line.slice(at + name.length))}`;
}

function describe(e: TelemetryEvent, keyMap: readonly CommandSpec[]): string {
  const who = 'task_id' in e ? `${e.task_id} ${e.tool}` : e.run_id;
  return `${who}: ${e.event === 'checkpoint_required' ? checkpointText(e.checkpoint, keyMap) : e.summary}`;
}

/**
 * A checkpoint in the UI's words: its summary names the CLI commands (`lacp approve`),
 * here the keys do it, as bound now (a preset may remap them).
 */
function checkpointText(kind: 'before' | 'after', keyMap: readonly CommandSpec[]): string {
  const what = kind === 'before' ? 'waiting for approval before it starts' : 'finished; its result waits for approval';
  return `${what} (select it: ${keyHint(keyMap, 'approve', 'approves')}, ${keyHint(keyMap, 'reject', 'rejects')})`;
}

function keyHint(keyMap: readonly CommandSpec[], id: CommandId, verb: string): string {
  const key = firstKeyLabel(keyMap, id);
  return key === null ? `${id} from the palette` : `${key} ${verb}`;
}
