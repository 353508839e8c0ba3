import type { TelemetryEvent } from '../../core/events.js';
import { selectedRunId, type AppState } from '../app-state.js';
import { firstKeyLabel, type CommandId, type CommandSpec } from '../key-map.js';
import { EVENT_COLOR, paint, text } from './style.js';

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
    const time = e.ts.slice(11, 19);
    out.push(`${time} ${paint(EVENT_COLOR[e.event] ?? 'white', e.event.padEnd(19))} ${text(plain, Math.max(10, width - 30))}`);
  }
  return out.reverse();
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
