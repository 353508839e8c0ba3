/**
 * Which part of a flood of plain text a terminal can skip without changing what it ends
 * up holding.
 *
 * A terminal keeps its screen and a bounded scrollback. Text that has `keep` more lines
 * after it (`keep` = scrollback + 2 * rows) is gone by the time those lines are parsed:
 * the first `rows` of them bring the cursor to the bottom row whatever row it started on,
 * and the next `scrollback + rows` scroll in fresh rows that fill the whole buffer. When
 * all of that text is plain (printable characters, CR, LF, TAB, BS: nothing that moves
 * the cursor elsewhere, switches buffers, sets modes or attributes), parsing it changes
 * nothing that survives. `seq 1 1000000` in a pane with 2,000 lines of scrollback is
 * 99.8% such text. Only valid from the parser's ground state and while the scroll
 * region is the whole screen: ScrolledOffFilter checks both.
 */
import { EscapeStateTracker } from './escape-state.js';

/**
 * Anything but printable text, TAB (09), BS (08), LF (0a) and CR (0d): other C0
 * controls (VT and FF also feed lines, SO/SI switch charsets), ESC, DEL and C1 controls.
 */
const NOT_PLAIN = /[\x00-\x07\x0b\x0c\x0e-\x1f\x7f-\x9f]/;

/** Nothing in `text` but printable characters, TAB, BS, LF and CR. */
export function isPlain(text: string): boolean {
  return !NOT_PLAIN.test(text);
}

/**
 * The span [from, to) of `text` that can be dropped, or null. Both ends sit just after a
 * CRLF (the cursor in column 0, no wrap pending), inside the plain run that starts
 * `text`, and at least `keep` line feeds of that run follow `to`.
 */
export function scrolledOffSpan(text: string, keep: number): { from: number; to: number } | null {
  const notPlain = NOT_PLAIN.exec(text);
  const runEnd = notPlain ? notPlain.index : text.length;
  const firstBreak = text.indexOf('\r\n');
  if (firstBreak < 0 || firstBreak + 2 > runEnd) return null;
  const from = firstBreak + 2;
  // Walk back over `keep` line feeds, then on to the nearest CRLF before them.
  let at = runEnd;
  for (let seen = 0; seen < keep; seen++) {
    at = text.lastIndexOf('\n', at - 1);
    if (at < from) return null;
  }
  for (;;) {
    at = text.lastIndexOf('\n', at - 1);
    if (at < from) return null;
    if (text.charCodeAt(at - 1) === 0x0d) break;
  }
  const to = at + 1;
  return to > from ? { from, to } : null;
}

/**
 * `pieces` (plain text, in order: the caller knows) joined, without the span
 * scrolledOffSpan would drop from their concatenation. The span is never copied: in a
 * flood it is nearly all of it.
 */
export function joinWithoutScrolledOff(pieces: readonly string[], keep: number): string {
  const first = pieces[0] ?? '';
  const firstBreak = first.indexOf('\r\n');
  if (firstBreak < 0) return pieces.join('');
  const from = firstBreak + 2;
  // Walk back over `keep` line feeds, then on to the nearest one after a CR: the cut
  // goes right after it, in piece `k`.
  let k = pieces.length - 1;
  let end = pieces[k]!.length; // search pieces[k] below this
  let seen = 0;
  for (;;) {
    const piece = pieces[k]!;
    const at = end > 0 ? piece.lastIndexOf('\n', end - 1) : -1;
    if (at < 0) {
      if (--k < 0) return pieces.join('');
      end = pieces[k]!.length;
      continue;
    }
    end = at;
    if (k === 0 && at < from) return pieces.join('');
    if (seen < keep) {
      seen++;
      continue;
    }
    const before = at > 0 ? piece.charCodeAt(at - 1) : pieces[k - 1]?.charCodeAt(pieces[k - 1]!.length - 1);
    if (before === 0x0d) break;
  }
  const rest = pieces.slice(k + 1).join('');
  return k === 0 ? first.slice(0, from) + first.slice(end + 1) + rest : first.slice(0, from) + pieces[k]!.slice(end + 1) + rest;
}

/**
 * Drops scrolled-off plain text from one terminal stream. It must see (`track`) every
 * piece of the stream that reaches the terminal, in order; `drop` then applies to what
 * comes next.
 */
export class ScrolledOffFilter {
  private escapes = new EscapeStateTracker();

  /**
   * `text` (what comes next) without the plain lines that a terminal of `rows` rows
   * keeping `scrollback` lines would scroll out anyway while parsing it.
   */
  drop(text: string, rows: number, scrollback: number): string {
    if (!this.canDrop) return text;
    const span = scrolledOffSpan(text, scrollback + 2 * rows);
    return span ? text.slice(0, span.from) + text.slice(span.to) : text;
  }

  /** `pieces`, all plain text, joined as `drop` would leave their concatenation, without copying what it drops. */
  joinPlain(pieces: readonly string[], rows: number, scrollback: number): string {
    return this.canDrop ? joinWithoutScrolledOff(pieces, scrollback + 2 * rows) : pieces.join('');
  }

  /** The stream is between sequences and never set a scroll region: plain text that follows may be dropped. */
  get canDrop(): boolean {
    return this.escapes.ground && !this.escapes.regionEverSet;
  }

  /** The terminal was reset: it is in its ground state with no scroll region. */
  reset(): void {
    this.escapes = new EscapeStateTracker();
  }

  /** `text` went to the terminal. */
  track(text: string, rows: number): void {
    this.escapes.feed(text, rows);
  }
}
