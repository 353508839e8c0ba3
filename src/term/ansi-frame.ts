import type xtermHeadless from '@xterm/headless';
import { cursorHidden } from './cursor-hidden.js';

type Terminal = InstanceType<typeof xtermHeadless.Terminal>;
type Cell = NonNullable<ReturnType<NonNullable<ReturnType<Terminal['buffer']['active']['getLine']>>['getCell']>>;

/**
 * Draws a headless terminal's screen onto a real one, row by row, from cells: what
 * reaches the user's terminal is text and colours lacp generated, never the task's
 * own bytes (no OSC 52, no title, no DCS can pass). Only rows that changed since
 * the last frame are rewritten; a frame is wrapped in synchronized output so the
 * terminal shows it whole.
 */
export class AnsiFrameRenderer {
  private previous: string[] = [];
  private modes = '';

  /** Forget what is on the real terminal (after a resize or a clear). */
  invalidate(): void {
    this.previous = [];
    this.modes = '';
  }

  frame(term: Terminal, width: number, height: number): string {
    const buffer = term.buffer.active;
    const rows = Math.min(height, term.rows);
    const cols = Math.min(width, term.cols);
    let out = '';
    const cell = buffer.getNullCell();
    for (let y = 0; y < rows; y++) {
      const line = buffer.getLine(buffer.viewportY + y);
      const text = line ? renderRow(line, cols, cell) : '';
      if (this.previous[y] === text) continue;
      this.previous[y] = text;
      out += `\x1b[${y + 1};1H${text}\x1b[0m\x1b[K`;
    }
    const modes = modeSequence(term);
    if (modes !== this.modes) {
      out += modes;
      this.modes = modes;
    }
    out += `\x1b[${Math.min(buffer.cursorY, rows - 1) + 1};${Math.min(buffer.cursorX, cols - 1) + 1}H${cursorHidden(term) ? '\x1b[?25l' : '\x1b[?25h'}`;
    return `\x1b[?2026h${out}\x1b[?2026l`;
  }
}

type BufferLine = NonNullable<ReturnType<Terminal['buffer']['active']['getLine']>>;

function renderRow(line: BufferLine, cols: number, cell: Cell): string {
  let out = '';
  let sgr = '';
  for (let x = 0; x < cols; x++) {
    const c = line.getCell(x, cell);
    if (!c) break;
    if (c.getWidth() === 0) continue; // the right half of a wide character
    const next = sgrOf(c);
    if (next !== sgr) {
      out += `\x1b[0${next}m`;
      sgr = next;
    }
    out += c.getChars() || ' ';
  }
  return out;
}

function sgrOf(c: Cell): string {
  let s = '';
  if (c.isBold()) s += ';1';
  if (c.isDim()) s += ';2';
  if (c.isItalic()) s += ';3';
  if (c.isUnderline()) s += ';4';
  if (c.isBlink()) s += ';5';
  if (c.isInverse()) s += ';7';
  if (c.isInvisible()) s += ';8';
  if (c.isStrikethrough()) s += ';9';
  s += color(c.isFgDefault(), c.isFgPalette(), c.isFgRGB(), c.getFgColor(), 30, 90, 38);
  s += color(c.isBgDefault(), c.isBgPalette(), c.isBgRGB(), c.getBgColor(), 40, 100, 48);
  return s;
}

function color(isDefault: boolean, isPalette: boolean, isRgb: boolean, value: number, base: number, bright: number, extended: number): string {
  if (isDefault) return '';
  if (isRgb) return `;${extended};2;${(value >> 16) & 255};${(value >> 8) & 255};${value & 255}`;
  if (isPalette) {
    if (value < 8) return `;${base + value}`;
    if (value < 16) return `;${bright + value - 8}`;
    return `;${extended};5;${value}`;
  }
  return '';
}

/** The input modes the program asked for, so the user's terminal sends keys and mouse the way it expects. */
function modeSequence(term: Terminal): string {
  const m = term.modes;
  const mouse = { none: '', x10: '\x1b[?9h', vt200: '\x1b[?1000h', drag: '\x1b[?1002h', any: '\x1b[?1003h' }[m.mouseTrackingMode];
  return [
    m.applicationCursorKeysMode ? '\x1b[?1h' : '\x1b[?1l',
    m.applicationKeypadMode ? '\x1b=' : '\x1b>',
    m.bracketedPasteMode ? '\x1b[?2004h' : '\x1b[?2004l',
    m.sendFocusMode ? '\x1b[?1004h' : '\x1b[?1004l',
    '\x1b[?9l\x1b[?1000l\x1b[?1002l\x1b[?1003l',
    mouse ? `${mouse}\x1b[?1006h` : '\x1b[?1006l',
  ].join('');
}

/** Puts the user's terminal back as it was: main screen, default modes, cursor shown. */
export const RESTORE_TERMINAL =
  '\x1b[?2026l\x1b[0m\x1b[?1l\x1b>\x1b[?2004l\x1b[?1004l\x1b[?9l\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?25h\x1b[?1049l';
export const ENTER_ALT_SCREEN = '\x1b[?1049h\x1b[H\x1b[2J';
