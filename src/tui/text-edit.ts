import { codePointWidth } from '../core/display-width.js';

/**
 * One-line text entry for the overlays (the new-task form's fields, the `/` filter, the
 * `:` palette): what a key does to the text being typed and to its cursor. Keys are the
 * readline ones a shell or tmux prompt user reaches for; the overlays take every key
 * before the key map does, so Ctrl-a here is line start, never the map's `leave`.
 */
export type EditResult = { kind: 'text'; value: string; cursor: number } | { kind: 'submit' } | { kind: 'cancel' };

/**
 * `cursor` is a UTF-16 index into `value` (absent: the end), kept on a character
 * boundary: between code points, and never between a character and the zero-width
 * marks that follow it (combining accents, ZWJ, variation selectors), so one Left or
 * Backspace takes what the terminal draws as one character.
 */
export function editText(value: string, name: string, ch: string | undefined, cursor = value.length): EditResult {
  const at = snap(value, cursor);
  const text = (v: string, c: number): EditResult => ({ kind: 'text', value: v, cursor: c });
  const cut = (from: number, to: number): EditResult => text(value.slice(0, from) + value.slice(to), from);
  switch (name) {
    case 'enter':
      return { kind: 'submit' };
    case 'escape':
      return { kind: 'cancel' };
    case 'left':
    case 'C-b':
      return text(value, prevBoundary(value, at));
    case 'right':
    case 'C-f':
      return text(value, nextBoundary(value, at));
    case 'home':
    case 'C-a':
      return text(value, 0);
    case 'end':
    case 'C-e':
      return text(value, value.length);
    case 'C-left':
    case 'M-left':
    case 'M-b':
      return text(value, wordStart(value, at));
    case 'C-right':
    case 'M-right':
    case 'M-f':
      return text(value, wordEnd(value, at));
    case 'backspace':
      return cut(prevBoundary(value, at), at);
    case 'delete':
    case 'C-d':
      return cut(at, nextBoundary(value, at));
    case 'C-u':
      return cut(0, at);
    case 'C-k':
      return cut(at, value.length);
    case 'C-w':
      return cut(wordStart(value, at), at);
    case 'M-d':
      return cut(at, wordEnd(value, at));
  }
  // Printable input only: a control character typed here must never reach a prompt or the screen.
  if (ch && ch.length >= 1 && !/[\x00-\x1f\x7f-\x9f]/.test(ch)) return text(value.slice(0, at) + ch + value.slice(at), at + ch.length);
  return text(value, at);
}

/** Code points that join the character before them on screen: combining marks and the like take no column. */
function joinsPrevious(value: string, index: number): boolean {
  const cp = value.codePointAt(index);
  return index > 0 && cp !== undefined && codePointWidth(cp) === 0;
}

/** The start of the character `index` falls in (or `index` itself at a boundary), within the text. */
function snap(value: string, index: number): number {
  let i = Math.min(Math.max(0, Math.trunc(index)), value.length);
  if (i > 0 && i < value.length && isLowSurrogate(value.charCodeAt(i))) i--;
  while (i > 0 && i < value.length && joinsPrevious(value, i)) i = prevCodePoint(value, i);
  return i;
}

export function nextBoundary(value: string, index: number): number {
  if (index >= value.length) return value.length;
  let i = nextCodePoint(value, index);
  while (i < value.length && joinsPrevious(value, i)) i = nextCodePoint(value, i);
  return i;
}

export function prevBoundary(value: string, index: number): number {
  if (index <= 0) return 0;
  let i = prevCodePoint(value, index);
  while (i > 0 && joinsPrevious(value, i)) i = prevCodePoint(value, i);
  return i;
}

/** Words are runs of non-space, as readline's unix-word-rubout (Ctrl-w) sees them. */
function wordStart(value: string, index: number): number {
  let i = index;
  while (i > 0 && /\s/.test(value[i - 1]!)) i--;
  while (i > 0 && !/\s/.test(value[i - 1]!)) i--;
  return snap(value, i);
}

function wordEnd(value: string, index: number): number {
  let i = index;
  while (i < value.length && /\s/.test(value[i]!)) i++;
  while (i < value.length && !/\s/.test(value[i]!)) i++;
  return snap(value, i);
}

function nextCodePoint(value: string, index: number): number {
  return index + (value.codePointAt(index)! > 0xffff ? 2 : 1);
}

function prevCodePoint(value: string, index: number): number {
  return index >= 2 && isLowSurrogate(value.charCodeAt(index - 1)) && isHighSurrogate(value.charCodeAt(index - 2)) ? index - 2 : index - 1;
}

const isHighSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

/** `KEY=VALUE KEY2="two words"` as typed in the new-task form. */
export function parseVars(text: string): Record<string, string> | string {
  const out: Record<string, string> = {};
  const re = /\s*([A-Za-z_][A-Za-z0-9_]*)=("((?:[^"\\]|\\.)*)"|\S*)/y;
  let rest = text.trim();
  while (rest) {
    re.lastIndex = 0;
    const m = re.exec(rest);
    if (!m) return `cannot read '${rest.split(/\s/)[0]}': write KEY=VALUE`;
    out[m[1]!] = m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : m[2]!;
    rest = rest.slice(m[0].length).trim();
  }
  return out;
}
