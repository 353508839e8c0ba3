import blessed from 'blessed';
import type { TaskStatus } from '../../core/status.js';
import type { Attention } from '../attention.js';
import { displayWidth } from '../../core/display-width.js';
import { oneLine } from '../../core/terminal-text.js';
import { labelRoom } from '../layout-math.js';
// blessed must measure wide characters as the terminal does before any screen draws.
import './blessed-wide-chars.js';
// ... and reduce colours so that gray stays visible with 8 or 16 colours.
import './blessed-colour-fit.js';

/** NO_COLOR (no-color.org): any non-empty value turns colour off; bold and inverse stay. */
export const NO_COLOR = Boolean(process.env.NO_COLOR);

/**
 * Colours from the 16 every terminal has, so the UI reads the same in 16 colours. Each
 * symbol is its own, and none is an attention mark (ATTENTION_SYMBOL): under NO_COLOR
 * the symbol alone says the state.
 */
export const STATUS_STYLE: Record<TaskStatus, { symbol: string; color: string }> = {
  queued: { symbol: '○', color: 'blue' },
  awaiting_checkpoint: { symbol: '◆', color: 'yellow' },
  running: { symbol: '▶', color: 'cyan' },
  succeeded: { symbol: '✔', color: 'green' },
  failed: { symbol: '✘', color: 'red' },
  cancelled: { symbol: '⊘', color: 'magenta' },
  timed_out: { symbol: '⧗', color: 'red' },
  // A dotted circle: the task's process is gone and how it ended is unknown.
  lost: { symbol: '◌', color: 'gray' },
};

/** The run tree's mark after a task's status symbol: its agent asks a question, or finished its turn. */
export const ATTENTION_SYMBOL: Record<Attention, string> = { waiting: '?', idle: '!' };

export const EVENT_COLOR: Record<string, string> = {
  run_started: 'white',
  task_queued: 'blue',
  checkpoint_required: 'yellow',
  checkpoint_resolved: 'yellow',
  task_started: 'cyan',
  cancel_requested: 'magenta',
  signal_sent: 'magenta',
  tool_event: 'gray',
  task_completed: 'green',
};

/** Text from a task or a file, made safe for a blessed tag string: no escapes, no tags. */
export function text(s: string, max = 200): string {
  return blessed.escape(oneLine(s, max));
}

/**
 * A box title fitted to a bordered box `boxWidth` wide: ` title ` cut by columns (wide
 * characters too) so it ends before the top-right corner. blessed does not clip a
 * label to its box: a long one ran over the corner, the right border and the next
 * region. '' when not even one character fits. `tags`: escape for a tag-parsing box.
 */
export function boxLabel(plain: string, boxWidth: number, tags: boolean): string {
  const room = labelRoom(boxWidth) - 2; // the spaces either side
  if (room < 1) return '';
  const cut = oneLine(plain, room);
  return ` ${tags ? blessed.escape(cut) : cut} `;
}

/** A bordered box needs this many rows for blessed to put its title on the top border, not below it. */
const LABEL_MIN_HEIGHT = 3;

/**
 * Sets a box's title with boxLabel for the box's size; hides it when it does not fit.
 * Hidden, not removed: on a terminal resize blessed moves a label on the next tick, and
 * a label removed before then threw there (`setting 'rtop'`), ending lacp-tui.
 */
export function setBoxLabel(box: blessed.Widgets.BoxElement, plain: string, size: { width: number; height: number }): void {
  const fits = size.height >= LABEL_MIN_HEIGHT;
  const label = fits ? boxLabel(plain, size.width, (box as unknown as { parseTags?: boolean }).parseTags === true) : '';
  const shown = (box as unknown as { _label?: blessed.Widgets.BoxElement })._label;
  if (label) {
    box.setLabel(label);
    shown?.show();
  } else {
    shown?.hide();
  }
}

/** Columns a tag string takes on screen: its text without tags, wide characters as two. */
export function columns(tagged: string): number {
  // An escaped brace (text() writes `{open}`, `{close}`): stripTags drops it like a tag, the screen shows one column.
  return displayWidth(blessed.stripTags(tagged)) + (tagged.match(ESCAPED_BRACE)?.length ?? 0);
}
const ESCAPED_BRACE = /\{(?:open|close)\}/g;

export function paint(color: string, s: string): string {
  return NO_COLOR ? s : `{${color}-fg}${s}{/${color}-fg}`;
}

export function bold(s: string): string {
  return `{bold}${s}{/bold}`;
}

export function inverse(s: string): string {
  return `{inverse}${s}{/inverse}`;
}

/** A colour for widget styles, or nothing under NO_COLOR. */
export function styleColor(color: string): string | undefined {
  return NO_COLOR ? undefined : color;
}
