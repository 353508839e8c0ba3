import { describe, expect, it } from 'vitest';
import { displayWidth } from '../../src/core/display-width.js';
import { fieldWindow, type FieldWindow } from '../../src/tui/field-window.js';
import { editText } from '../../src/tui/text-edit.js';

/** Types keys into a field from empty (or `start`): the text and cursor after them. */
function typeKeys(keys: string[], start = '', cursor?: number): { value: string; cursor: number } {
  let field = { value: start, cursor: cursor ?? start.length };
  for (const key of keys) {
    // As tui-app dispatches them: a printable key's name is the character itself.
    const ch = key.length === 1 || [...key].length === 1 ? key : undefined;
    const r = editText(field.value, key, ch, field.cursor);
    if (r.kind !== 'text') throw new Error(`${key} ended the edit`);
    field = { value: r.value, cursor: r.cursor };
  }
  return field;
}

const chars = (s: string) => [...s];

/** The window as the screen shows it, the cursor as `|` before the character it is on. */
function shown(w: FieldWindow): string {
  return `${w.cutLeft ? '…' : ''}${w.before}|${w.at}${w.after}${w.cutRight ? '…' : ''}`;
}

/** Columns the window takes on screen: the cursor at the end takes one of its own. */
function drawnColumns(w: FieldWindow): number {
  return displayWidth(`${w.cutLeft ? '…' : ''}${w.before}${w.at || '█'}${w.after}${w.cutRight ? '…' : ''}`);
}

describe('editing a one-line field at its cursor', () => {
  it("the tester's typo fix: abc, Left Left, X, Home, Y gives YaXbc with the cursor after Y", () => {
    expect(typeKeys([...chars('abc'), 'left', 'left', 'X', 'home', 'Y'])).toEqual({ value: 'YaXbc', cursor: 1 });
  });

  it('Right, End, Ctrl-a, Ctrl-e, Ctrl-b, Ctrl-f move and stop at the ends', () => {
    expect(typeKeys(['home', 'right', 'right', 'Z'], 'abc')).toEqual({ value: 'abZc', cursor: 3 });
    expect(typeKeys(['home', 'end', 'Z'], 'abc')).toEqual({ value: 'abcZ', cursor: 4 });
    expect(typeKeys(['C-a', 'Z', 'C-e', 'W'], 'abc')).toEqual({ value: 'ZabcW', cursor: 5 });
    expect(typeKeys(['C-b', 'C-b', 'C-f', 'Z'], 'abc')).toEqual({ value: 'abZc', cursor: 3 });
    expect(typeKeys(['right', 'right'], 'ab')).toEqual({ value: 'ab', cursor: 2 });
    expect(typeKeys(['home', 'left', 'left'], 'ab')).toEqual({ value: 'ab', cursor: 0 });
  });

  it('Backspace takes the character before the cursor, Delete and Ctrl-d the one under it', () => {
    expect(typeKeys(['left', 'backspace'], 'abcd')).toEqual({ value: 'abd', cursor: 2 });
    expect(typeKeys(['left', 'left', 'delete'], 'abcd')).toEqual({ value: 'abd', cursor: 2 });
    expect(typeKeys(['home', 'C-d', 'C-d'], 'abcd')).toEqual({ value: 'cd', cursor: 0 });
    expect(typeKeys(['home', 'backspace'], 'ab')).toEqual({ value: 'ab', cursor: 0 });
    expect(typeKeys(['delete'], 'ab')).toEqual({ value: 'ab', cursor: 2 });
  });

  it('Ctrl-u kills before the cursor, Ctrl-k after it, Ctrl-w and Alt-d a word each way', () => {
    expect(typeKeys(['left', 'left', 'C-u'], 'one two')).toEqual({ value: 'wo', cursor: 0 });
    expect(typeKeys(['left', 'left', 'C-k'], 'one two')).toEqual({ value: 'one t', cursor: 5 });
    expect(typeKeys(['M-b', 'left', 'C-w'], 'one two three')).toEqual({ value: 'one  three', cursor: 4 });
    expect(typeKeys(['home', 'M-d'], 'one two')).toEqual({ value: ' two', cursor: 0 });
  });

  it('word moves: Alt-b / Ctrl-Left to a word start, Alt-f / Ctrl-Right past a word end', () => {
    expect(typeKeys(['M-b', 'X'], 'one two')).toEqual({ value: 'one Xtwo', cursor: 5 });
    expect(typeKeys(['C-left', 'C-left', 'X'], 'one two')).toEqual({ value: 'Xone two', cursor: 1 });
    expect(typeKeys(['home', 'M-f', 'X'], 'one two')).toEqual({ value: 'oneX two', cursor: 4 });
    expect(typeKeys(['home', 'C-right', 'C-right', 'X'], 'one two')).toEqual({ value: 'one twoX', cursor: 8 });
  });

  it('an emoji, a CJK character and an accent with its combining mark are one step each', () => {
    const text = 'a😀日e\u0301b';
    expect(typeKeys(['left', 'left', 'X'], text)).toEqual({ value: 'a😀日Xe\u0301b', cursor: 5 }); // UTF-16: the emoji is two units
    expect(typeKeys(['left', 'left', 'backspace'], text)).toEqual({ value: 'a😀e\u0301b', cursor: 3 });
    expect(typeKeys(['home', 'right', 'delete'], text)).toEqual({ value: 'a日e\u0301b', cursor: 1 });
    expect(typeKeys(['left', 'backspace'], text)).toEqual({ value: 'a😀日b', cursor: 4 });
  });

  it('a cursor given inside a surrogate pair or before a combining mark snaps to the character start', () => {
    expect(typeKeys(['X'], 'a😀', 2)).toEqual({ value: 'aX😀', cursor: 2 });
    expect(typeKeys(['X'], 'e\u0301', 1)).toEqual({ value: 'Xe\u0301', cursor: 1 });
    expect(typeKeys(['X'], 'ab', 99)).toEqual({ value: 'abX', cursor: 3 });
  });

  it('a paste inserts at the cursor; a control character is never inserted; Enter submits and Esc cancels', () => {
    expect(typeKeys(['home', ...chars('pasted ')], 'text')).toEqual({ value: 'pasted text', cursor: 7 });
    expect(editText('ab', 'C-x', '\x18', 1)).toEqual({ kind: 'text', value: 'ab', cursor: 1 });
    expect(editText('ab', 'x', '\x1b[31m', 1)).toEqual({ kind: 'text', value: 'ab', cursor: 1 });
    expect(editText('ab', 'enter', '\r', 1)).toEqual({ kind: 'submit' });
    expect(editText('ab', 'escape', '\x1b', 1)).toEqual({ kind: 'cancel' });
  });

  it('without a cursor, typing appends as before', () => {
    expect(editText('ab', 'c', 'c')).toEqual({ kind: 'text', value: 'abc', cursor: 3 });
  });
});

describe('the part of a long field shown, with the cursor in view', () => {
  const words = Array.from({ length: 40 }, (_, i) => `word${String(i).padStart(3, '0')}`).join(' '); // 319 columns

  it('a field that fits is shown whole', () => {
    expect(shown(fieldWindow('hello', 5, 20))).toBe('hello|');
    expect(shown(fieldWindow('hello', 1, 20))).toBe('h|ello');
    expect(shown(fieldWindow('hello', 5, 6))).toBe('hello|');
  });

  it('at the end of a long prompt: its end and the cursor, a … where the start is cut', () => {
    const w = fieldWindow(words, words.length, 40);
    expect(shown(w)).toBe(`…${words.slice(-38)}|`);
    expect(drawnColumns(w)).toBe(40);
  });

  it('at Home: the start, a … where the rest is cut', () => {
    const w = fieldWindow(words, 0, 40);
    expect(shown(w)).toBe(`|${words.slice(0, 39)}…`);
    expect(drawnColumns(w)).toBe(40);
  });

  it('in the middle: cut both sides, the cursor at the right edge, never wider than the room', () => {
    for (let cursor = 0; cursor <= words.length; cursor += 7) {
      const w = fieldWindow(words, cursor, 30);
      expect(drawnColumns(w)).toBeLessThanOrEqual(30);
      expect(w.at).toBe(words[cursor] ?? '');
      // What is shown is the text around the cursor, in order.
      expect(words.includes(w.before + w.at + w.after)).toBe(true);
      expect(words.slice(0, cursor).endsWith(w.before)).toBe(true);
    }
    expect(shown(fieldWindow(words, 100, 30))).toBe(`…${words.slice(73, 100)}|${words[100]}…`);
  });

  it('counts wide characters as two columns and never splits one', () => {
    const cjk = '日本語'.repeat(20); // 60 characters, 120 columns
    const end = fieldWindow(cjk, cjk.length, 21);
    expect(drawnColumns(end)).toBeLessThanOrEqual(21);
    expect(end.before).toBe(cjk.slice(-9)); // … (1) + 9 wide (18) + cursor (1) = 20: the 10th would make 22
    const emoji = '😀'.repeat(30);
    const mid = fieldWindow(emoji, 20, 11);
    expect(mid.at).toBe('😀');
    expect(drawnColumns(mid)).toBeLessThanOrEqual(11);
    expect([...mid.before].every((c) => c === '😀')).toBe(true);
  });
});
