/** The part of a pane's headless xterm the wheel needs: its modes, its screen, its parser. */
export interface WheelTerminal {
  modes: { mouseTrackingMode: string; applicationCursorKeysMode: boolean };
  buffer: { active: { type: string } };
  parser: { registerCsiHandler(id: { prefix?: string; final: string }, handler: (params: (number | number[])[]) => boolean): { dispose(): void } };
}

/** Lines a wheel notch moves, in arrow keys for a full-screen program without mouse reporting (tmux sends 3 too). */
const ARROWS_PER_NOTCH = 3;
/** xterm's mouse report button codes for the wheel. */
const WHEEL_UP = 64;
const WHEEL_DOWN = 65;
/** SGR extended mouse coordinates (DECSET 1006). */
const SGR_MODE = 1006;
/** The classic X10 report carries coordinates as one byte each, offset by 32. */
const X10_MAX_COORD = 223;

/**
 * Follows whether the pane's program asked for SGR mouse reports (xterm keeps it, but does
 * not expose it): the wheel is reported in the encoding the program reads. Assumed until the
 * program turns it off: a pane attached after the program set its modes starts from the
 * daemon's snapshot, which need not repeat them, and every current program asks for SGR
 * (`lacp attach` assumes it too).
 */
export function followSgrMouse(term: WheelTerminal): { sgr: () => boolean; dispose(): void } {
  let sgr = true;
  const has = (params: (number | number[])[]) => params.some((p) => p === SGR_MODE);
  const on = term.parser.registerCsiHandler({ prefix: '?', final: 'h' }, (params) => {
    if (has(params)) sgr = true;
    return false; // xterm still handles the mode itself
  });
  const off = term.parser.registerCsiHandler({ prefix: '?', final: 'l' }, (params) => {
    if (has(params)) sgr = false;
    return false;
  });
  return { sgr: () => sgr, dispose: () => [on, off].forEach((d) => d.dispose()) };
}

/**
 * What a wheel notch over a pane sends its program, or null when it scrolls the pane's own
 * history (a shell). A program that asked for mouse reports (OpenCode, vim with mouse=a)
 * gets the wheel report at the cell under the pointer (1-based `col`, `row` in the pane);
 * a full-screen program that did not (less, man) gets arrow keys, as tmux does, since the
 * alternate screen has no history to scroll.
 */
export function wheelInput(term: WheelTerminal, sgr: boolean, up: boolean, col: number, row: number): string | null {
  if (term.modes.mouseTrackingMode !== 'none') {
    const button = up ? WHEEL_UP : WHEEL_DOWN;
    if (sgr) return `\x1b[<${button};${col};${row}M`;
    if (col > X10_MAX_COORD || row > X10_MAX_COORD) return null;
    return `\x1b[M${String.fromCharCode(32 + button, 32 + col, 32 + row)}`;
  }
  if (term.buffer.active.type !== 'alternate') return null;
  const arrow = `\x1b${term.modes.applicationCursorKeysMode ? 'O' : '['}${up ? 'A' : 'B'}`;
  return arrow.repeat(ARROWS_PER_NOTCH);
}
