import { helpLines, keysLabel, paletteMatches, type CommandSpec } from '../key-map.js';
import type { Overlay } from '../app-state.js';
import { fieldLine } from './field-line.js';
import { bold, columns, inverse, paint, text } from './style.js';

export interface OverlayContent {
  title: string;
  lines: string[];
  /** Leading lines shown whatever the height (the palette's input line). */
  pinned?: number;
  /** The line that must stay in view (the selected entry). */
  focus?: number;
  /** Show the end when it does not all fit (a log's newest lines)... */
  tail?: boolean;
  /** ...or this many lines before the end. */
  back?: number;
}

/**
 * The lines an overlay of `rows` text rows shows: all when they fit; else the pinned ones,
 * then a window that keeps the focused line in view (or the tail of a log), and a last
 * line saying how much is cut when nothing is focused. Lines are never wrapped (the box
 * cuts them at its edge), so one line is one row and the selection never hides.
 */
/** Wide enough for its longest line (in columns: CJK and emoji take two) and its title, within the window. */
export function overlayWidth(content: OverlayContent, cols: number): number {
  return Math.min(cols - 2, Math.max(40, ...content.lines.map((l) => columns(l) + 4), columns(content.title) + 6));
}

/** An overlay's box height in an area `rows` tall: its lines and two borders, a row left free above and below. */
export function overlayHeight(lineCount: number, rows: number): number {
  return Math.min(rows - 2, lineCount + 2);
}

/**
 * Rows of text an overlay shows at most in an area `rows` tall: the batch log view's page,
 * and how far back it can scroll (total less this) before its first line is at the top.
 */
export function overlayTextRows(rows: number): number {
  return overlayHeight(Number.MAX_SAFE_INTEGER, rows) - 2;
}

export function visibleOverlayLines(content: OverlayContent, rows: number): string[] {
  const { lines } = content;
  if (lines.length <= rows) return lines;
  if (content.tail) {
    const end = lines.length - Math.min(content.back ?? 0, lines.length - rows);
    return lines.slice(end - rows, end);
  }
  const pinned = lines.slice(0, Math.min(content.pinned ?? 0, rows));
  const rest = lines.slice(pinned.length);
  const room = rows - pinned.length;
  if (content.focus === undefined) return [...pinned, ...rest.slice(0, room - 1), `… ${rest.length - room + 1} more (a taller window shows them)`];
  const focus = content.focus - pinned.length;
  const start = Math.min(Math.max(0, focus - room + 1), rest.length - room);
  return [...pinned, ...rest.slice(start, start + room)];
}

/**
 * What an overlay shows; the batch log view's lines come from the caller (they are read from disk).
 * `cols`, the window's width, is what a text field scrolls within to keep its cursor in view.
 */
export function overlayContent(overlay: Overlay, keyMap: readonly CommandSpec[], logLines: () => string[], cols = Infinity): OverlayContent {
  switch (overlay.kind) {
    case 'help':
      return { title: 'keys (any key closes)', lines: helpLines(keyMap).map((l) => text(l)) };
    case 'palette': {
      const matches = paletteMatches(keyMap, overlay.query);
      return {
        title: 'command palette (type to filter, ↑↓, Enter runs, Esc closes)',
        lines: [fieldLine(': ', overlay.query, overlay.cursor, cols), '', ...matches.map((m, i) => {
          const line = `${m.id.padEnd(14)} ${keysLabel(m).padEnd(10)} ${m.title}`;
          return i === overlay.index ? inverse(text(line)) : text(line);
        })],
        pinned: 2,
        focus: 2 + overlay.index,
      };
    }
    case 'confirm':
      return { title: 'confirm', lines: [text(overlay.question), '', bold('y') + ' yes    any other key: no'] };
    case 'filter':
      return { title: 'filter (Enter keeps, Esc clears)', lines: [fieldLine('/ ', overlay.draft, overlay.cursor, cols)] };
    case 'log':
      return {
        title: `output of ${overlay.task_id}${overlay.back > 0 ? ', scrolled back' : ''} (↑↓ PgUp PgDn Home End scroll, any other key closes)`,
        lines: logLines(),
        tail: true,
        back: overlay.back,
      };
    case 'new-task': {
      const tool = overlay.tools[overlay.index];
      if (overlay.step === 'tool')
        return {
          title: 'new task: pick a tool (↑↓ or j/k, Enter, Esc cancels)',
          lines: overlay.tools.map((t, i) => {
            const line = `${t.name.padEnd(20)} ${t.mode.padEnd(11)} ${t.description}`;
            return i === overlay.index ? inverse(text(line)) : text(line);
          }),
          focus: overlay.index,
        };
      const vars = tool?.placeholders.length ? `variables it uses: ${tool.placeholders.join(' ')}` : 'no variables needed';
      const takesPrompt = tool?.usesPrompt !== false;
      return {
        title: `new task: ${tool?.name ?? ''} (Enter next, Esc cancels)`,
        lines: [
          takesPrompt ? fieldLine('prompt:    ', overlay.prompt, overlay.cursor, cols, overlay.step === 'prompt') : text(`prompt:    none: ${tool?.name ?? ''} takes no {prompt}`),
          overlay.step === 'vars' ? fieldLine('variables: ', overlay.vars, overlay.cursor, cols) : '',
          '',
          text(overlay.step === 'vars'
            ? `KEY=VALUE KEY2="two words"; ${vars}${takesPrompt ? '; ↑ back to the prompt' : ''}`
            : 'type the prompt (←→ Home End move), Enter for the variables'),
          ...(overlay.pending ? ['', text('submitting…')] : overlay.error ? ['', paint('red', text(overlay.error))] : []),
        ],
      };
    }
  }
}
