import type blessed from 'blessed';
import { StringDecoder } from 'node:string_decoder';

/** What a terminal in bracketed-paste mode (CSI ? 2004 h) writes around a paste. */
export const PASTE_START = '\x1b[200~';
export const PASTE_END = '\x1b[201~';
/**
 * Input ending in what may be the start of a marker is held this long for its rest: a
 * marker is written in one piece, so a rest cut off by a read follows at once. Past this
 * the held bytes were keys after all (an Escape key waits this long: tmux waits 500 ms).
 */
const MARKER_WAIT_MS = 30;
/**
 * A paste whose end marker does not come after this much silence is handed over as it is,
 * and what follows is keys again: a lost end marker (a terminal killed mid-paste, a
 * garbled stream) must not swallow every key after it. A terminal writes a paste as fast
 * as the tty takes it, so a real one is never this quiet in the middle.
 */
const PASTE_QUIET_MS = 1000;

export type InputPiece = { kind: 'keys'; text: string } | { kind: 'paste'; text: string };

/**
 * Splits the host terminal's input into typed keys and pastes. A paste is handed over
 * whole once its end marker arrives, however many reads it took; a marker cut between
 * reads is held until its rest arrives.
 */
export class PasteSplitter {
  /** The paste read so far; null outside one. */
  private pasting: string | null = null;
  /** The end of the last read, maybe the start of a marker. */
  private held = '';

  feed(chunk: string): InputPiece[] {
    const out: InputPiece[] = [];
    // Held keys the new input does not continue into a marker go on as they came, on their
    // own: an Escape then `q` stays Escape and q (joined, blessed would read Alt-q).
    if (this.pasting === null && this.held && !continuesMarker(this.held + chunk)) out.push(...this.flush());
    let s = this.held + chunk;
    this.held = '';
    while (s) {
      if (this.pasting === null) {
        const at = s.indexOf(PASTE_START);
        if (at >= 0) {
          if (at > 0) out.push({ kind: 'keys', text: s.slice(0, at) });
          this.pasting = '';
          s = s.slice(at + PASTE_START.length);
          continue;
        }
        const keep = markerStart(s, PASTE_START);
        this.held = s.slice(s.length - keep);
        if (s.length > keep) out.push({ kind: 'keys', text: s.slice(0, s.length - keep) });
        break;
      }
      const at = s.indexOf(PASTE_END);
      if (at >= 0) {
        out.push({ kind: 'paste', text: this.pasting + s.slice(0, at) });
        this.pasting = null;
        s = s.slice(at + PASTE_END.length);
        continue;
      }
      const keep = markerStart(s, PASTE_END);
      this.pasting += s.slice(0, s.length - keep);
      this.held = s.slice(s.length - keep);
      break;
    }
    return out;
  }

  /** Keys held as a maybe-marker whose rest did not come (outside a paste only; a paste waits for its end). */
  flush(): InputPiece[] {
    if (this.pasting !== null || !this.held) return [];
    const text = this.held;
    this.held = '';
    return [{ kind: 'keys', text }];
  }

  /** The paste read so far, handed over as if its end marker had come (see PASTE_QUIET_MS); [] outside a paste. */
  endPaste(): InputPiece[] {
    if (this.pasting === null) return [];
    const text = this.pasting + this.held;
    [this.pasting, this.held] = [null, ''];
    return [{ kind: 'paste', text }];
  }

  get holding(): boolean {
    return this.pasting === null && this.held !== '';
  }

  get inPaste(): boolean {
    return this.pasting !== null;
  }
}

/** Whether `s` starts like a start marker, as far as it goes. */
function continuesMarker(s: string): boolean {
  return PASTE_START.startsWith(s.slice(0, PASTE_START.length)) || s.startsWith(PASTE_START);
}

/** Length of the longest end of `s` that `marker` starts with, shorter than the marker. */
function markerStart(s: string, marker: string): number {
  for (let n = Math.min(s.length, marker.length - 1); n >= 1; n--) if (marker.startsWith(s.slice(s.length - n))) return n;
  return 0;
}

/**
 * A paste as the pane's program gets it: inside the markers when it asked for bracketed
 * paste, else the text alone. Markers inside the text are dropped, so a paste cannot end
 * the bracket early and have the rest run as typed commands.
 */
export function pasteForPane(text: string, bracketed: boolean): string {
  const inner = text.split(PASTE_START).join('').split(PASTE_END).join('');
  return bracketed ? `${PASTE_START}${inner}${PASTE_END}` : inner;
}

/** A paste as a one-line text field takes it: line breaks and tabs become spaces, other control characters go. */
export function pasteForField(text: string): string {
  return text.replace(/\r\n|[\r\n\t]/g, ' ').replace(/[\x00-\x1f\x7f-\x9f]/g, '');
}

interface InputStream {
  emit(event: string | symbol, ...args: unknown[]): boolean;
}

/**
 * Takes pastes out of the host terminal's input before blessed reads it: blessed would
 * split a paste into keypresses, so a newline in it ran as Enter and its letters as
 * commands. Keys go on to blessed's readers in order; each paste goes to `onPaste`.
 * Asking the terminal for the markers is acceptPastes'; undoing it, the terminal guard's.
 */
export function interceptPastes(input: InputStream, onPaste: (text: string) => void): void {
  const emit = input.emit.bind(input);
  const splitter = new PasteSplitter();
  const decoder = new StringDecoder('utf8');
  let timer: NodeJS.Timeout | null = null;
  const deliver = (pieces: InputPiece[]) => {
    for (const piece of pieces) {
      if (piece.kind === 'keys') emit('data', Buffer.from(piece.text));
      else onPaste(piece.text);
    }
  };
  input.emit = (event, ...args) => {
    if (event !== 'data') return emit(event, ...args);
    const chunk = args[0];
    if (timer) clearTimeout(timer);
    timer = null;
    deliver(splitter.feed(typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer)));
    if (splitter.holding) timer = setTimeout(() => deliver(splitter.flush()), MARKER_WAIT_MS).unref();
    else if (splitter.inPaste) timer = setTimeout(() => deliver(splitter.endPaste()), PASTE_QUIET_MS).unref();
    return true;
  };
}

/** Asks the host terminal to mark pastes, and hands each one to `onPaste` instead of blessed's key reader. */
export function acceptPastes(screen: blessed.Widgets.Screen, onPaste: (text: string) => void): void {
  interceptPastes(screen.program.input as unknown as InputStream, onPaste);
  screen.program.decset('2004');
}
