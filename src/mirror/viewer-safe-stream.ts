/**
 * Removes from a task's terminal stream the sequences that could act on the
 * viewer's browser rather than draw on the screen: OSC (clipboard writes with
 * OSC 52, window and icon titles, hyperlinks, colour queries), DCS, SOS, PM and
 * APC strings, in their 7-bit (ESC ]) and 8-bit (U+009D) forms. Everything else,
 * CSI included, passes untouched: xterm.js draws it and answers nothing to us.
 *
 * Stateful, because a sequence may be split across two chunks of output. A string
 * ends, as in xterm.js's parser, at BEL, ST (ESC \ or U+009C), CAN or SUB; an ESC
 * followed by anything else aborts the string and starts a new escape.
 */
const ESC = '\x1b';
const BEL = '\x07';
const CAN = '\x18';
const SUB = '\x1a';
const ST_8BIT = '\x9c';
/** After ESC, these start a string: ] OSC, P DCS, X SOS, ^ PM, _ APC. */
const STRING_INTRODUCERS_7BIT = new Set([']', 'P', 'X', '^', '_']);
/** The same five as single C1 characters. */
const STRING_INTRODUCERS_8BIT = new Set(['\x9d', '\x90', '\x98', '\x9e', '\x9f']);

type State = 'ground' | 'escape' | 'string' | 'string-escape';

export class ViewerSafeStream {
  private state: State = 'ground';

  /** Filters one chunk; what is held back (a lone trailing ESC) is emitted with the next. */
  write(chunk: string): string {
    let out = '';
    for (const ch of chunk) {
      switch (this.state) {
        case 'ground':
          if (ch === ESC) this.state = 'escape';
          else if (STRING_INTRODUCERS_8BIT.has(ch)) this.state = 'string';
          else out += ch;
          break;
        case 'escape':
          if (STRING_INTRODUCERS_7BIT.has(ch)) this.state = 'string';
          else if (ch === ESC) out += ESC; // ESC ESC: the first one is a lone escape, the second starts anew
          else {
            out += ESC + ch;
            this.state = 'ground';
          }
          break;
        case 'string':
          if (ch === ESC) this.state = 'string-escape';
          else if (ch === BEL || ch === ST_8BIT || ch === CAN || ch === SUB) this.state = 'ground';
          break;
        case 'string-escape':
          if (ch === '\\') this.state = 'ground';
          else if (STRING_INTRODUCERS_7BIT.has(ch)) this.state = 'string';
          else if (ch === ESC) this.state = 'escape';
          else {
            out += ESC + ch;
            this.state = 'ground';
          }
          break;
      }
    }
    return out;
  }

  /** The end of the stream: a lone ESC held back is harmless on its own. */
  end(): string {
    const held = this.state === 'escape' ? ESC : '';
    this.state = 'ground';
    return held;
  }
}

/** One-shot form, for a complete text such as a snapshot. */
export function viewerSafe(text: string): string {
  const stream = new ViewerSafeStream();
  return stream.write(text) + stream.end();
}
