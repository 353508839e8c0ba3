import { createRequire } from 'node:module';
import { codePointWidth } from '../../core/display-width.js';
import './blessed-astral-wrap.js'; // content wrap counted an emoji as three columns

/**
 * blessed (fullUnicode) draws a wide character in one cell and skips the next, but
 * only for the characters its own Unicode 6 table calls wide: an emoji such as 😀 is
 * width 1 there, two columns in the terminal, so the rest of its row shifted right
 * (borders moved, leftovers stayed, blessed's cursor moves went astray). Importing
 * this module makes blessed measure with the table everything else here uses:
 * - `charWidth` (and `strWidth`, built on it) decide what screen.draw skips and pads;
 * - `chars.all` is what Element content uses to put a filler cell after each wide
 *   character; as a regex it knew only BMP CJK, so it becomes a replacer over the table.
 */
interface BlessedUnicode {
  charWidth(str: string | number, i?: number): number;
  codePointAt(str: string, i: number): number;
  chars: { all: unknown };
}

const TAB = 0x09;

const unicode = createRequire(import.meta.url)('blessed/lib/unicode') as BlessedUnicode;
const blessedCharWidth = unicode.charWidth;

unicode.charWidth = (str, i) => {
  const point = typeof str === 'number' ? str : unicode.codePointAt(str, i ?? 0);
  // blessed expands a tab to its own tab size; every other width comes from the shared table.
  return point === TAB ? blessedCharWidth(str, i) : codePointWidth(point);
};

unicode.chars.all = {
  // Used as content.replace(chars.all, '$1\x03') (a filler after each wide char), and
  // without fullUnicode as replace(chars.all, '??'): `$1` stands for the wide char.
  [Symbol.replace](content: string, replacement: string): string {
    let out = '';
    for (const ch of content) out += codePointWidth(ch.codePointAt(0)!) === 2 ? replacement.replace('$1', ch) : ch;
    return out;
  },
};
