import { Unicode11Addon } from '@xterm/addon-unicode11/lib/addon-unicode11.mjs';

/**
 * How many terminal columns text takes, by the Unicode 11 width tables that xterm.js
 * ships, brought up to Unicode 15's wide characters (the widths tmux and current
 * terminals follow: CJK and emoji take two columns, combining marks none). Every place that lays out text for a terminal measures with
 * this one table: the headless screens that model task output, blessed's drawing, and
 * truncation of listing rows. Two tables that disagree on one character shift a row.
 */
interface WidthProvider {
  readonly version: string;
  wcwidth(codePoint: number): 0 | 1 | 2;
}

/** The addon registers its width provider on activation; a stand-in terminal captures it. */
const unicode11: WidthProvider = (() => {
  let captured: WidthProvider | undefined;
  const stand = { unicode: { register: (p: WidthProvider) => void (captured = p) } };
  new Unicode11Addon().activate(stand as unknown as Parameters<InstanceType<typeof Unicode11Addon>['activate']>[0]);
  if (!captured) throw new Error('@xterm/addon-unicode11 registered no width provider');
  return captured;
})();

/**
 * Wide characters that Unicode 12 to 15 added and the addon's table measures as one
 * column, where glibc (so tmux) and current terminals give two: emoji such as 🫠, kana
 * and Khitan. The W ranges of EastAsianWidth.txt 15.0 in those blocks; ranges the addon
 * already has as wide do no harm.
 */
export const NEWER_WIDE: ReadonlyArray<readonly [number, number]> = [
  [0x18b00, 0x18cd5], [0x18d00, 0x18d08], // Khitan Small Script, Tangut Supplement
  [0x1aff0, 0x1affe], [0x1b11f, 0x1b122], [0x1b132, 0x1b132], [0x1b155, 0x1b155], // kana
  [0x1f6d5, 0x1f6d7], [0x1f6dc, 0x1f6df], [0x1f6f4, 0x1f6fc], [0x1f7e0, 0x1f7eb], [0x1f7f0, 0x1f7f0],
  [0x1f90c, 0x1f93a], [0x1f93c, 0x1f945], [0x1f947, 0x1f9ff],
  [0x1fa70, 0x1fa7c], [0x1fa80, 0x1fa88], [0x1fa90, 0x1fabd], [0x1fabf, 0x1fac5],
  [0x1face, 0x1fadb], [0x1fae0, 0x1fae8], [0x1faf0, 0x1faf8],
];

function newerWide(codePoint: number): boolean {
  if (codePoint < 0x18b00 || codePoint > 0x1faf8) return false;
  return NEWER_WIDE.some(([from, to]) => codePoint >= from && codePoint <= to);
}

/**
 * The addon's provider with those characters wide. Made from the addon's own object, so
 * xterm's per-character properties (which call `this.wcwidth`) follow it too.
 */
/** The name the width table is registered under in xterm (the mirror's page uses it too). */
export const WIDTH_VERSION = '15-lacp';

const provider: WidthProvider = Object.assign(Object.create(unicode11) as WidthProvider, {
  version: WIDTH_VERSION,
  wcwidth: (codePoint: number): 0 | 1 | 2 => (newerWide(codePoint) ? 2 : unicode11.wcwidth(codePoint)),
});

export function codePointWidth(codePoint: number): 0 | 1 | 2 {
  return provider.wcwidth(codePoint);
}

export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += codePointWidth(ch.codePointAt(0)!);
  return width;
}

/** At most `max` columns; a cut is marked with `…` and never splits a wide char or a surrogate pair. */
export function truncateColumns(text: string, max: number): string {
  if (displayWidth(text) <= max) return text;
  let out = '';
  let width = 0;
  for (const ch of text) {
    const w = codePointWidth(ch.codePointAt(0)!);
    if (width + w > max - 1) break;
    out += ch;
    width += w;
  }
  return `${out}…`;
}

/** The part of a terminal that takes the widths: xterm's `unicode` service. */
interface WidthTerminal {
  unicode: { activeVersion: string; register(provider: WidthProvider): void };
}

/** Makes a headless xterm measure characters with the same table. */
export function useDisplayWidths(term: WidthTerminal): void {
  term.unicode.register(provider);
  term.unicode.activeVersion = provider.version;
}
