import { truncateColumns } from './display-width.js';

/**
 * Makes text from a task safe to print on the user's terminal: escape sequences
 * (CSI, OSC such as clipboard writes and titles, DCS, ...) and other control
 * characters are removed, so task output can never act on the terminal. Newlines
 * and tabs stay.
 */
// ESC followed by: CSI ... final byte | OSC/DCS/SOS/PM/APC ... terminated by BEL or ST | a single character.
const ESCAPE_SEQUENCE = /\x1b(?:\[[0-?]*[ -/]*[@-~]|[\]PX^_][\s\S]*?(?:\x07|\x1b\\|$)|[@-Z\\-_]|.)/g;
const C1_SEQUENCE = /[\x9b][0-?]*[ -/]*[@-~]|[\x90\x9d\x98\x9e\x9f][\s\S]*?(?:\x07|\x9c|$)/g;
const OTHER_CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

export function sanitizeForTerminal(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(ESCAPE_SEQUENCE, '').replace(C1_SEQUENCE, '').replace(OTHER_CONTROLS, '');
}

/** One line for a listing column: no control characters, no line breaks, at most `max` terminal columns. */
export function oneLine(text: string, max = 120): string {
  return truncateColumns(sanitizeForTerminal(text).replace(/[\n\t]+/g, ' '), max);
}

/**
 * For lacp's own messages that quote what the user gave (a tools.yaml key, an argument):
 * control characters shown as `\xNN`, so the message says what was there and cannot act
 * on the terminal (an ESC from a cloned repository's tools.yaml setting the title).
 */
export function showControls(text: string): string {
  return text.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
