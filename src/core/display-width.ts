import { Unicode11Addon } from '@xterm/addon-unicode11/lib/addon-unicode11.mjs';

/**
 * How many terminal columns text takes, by the Unicode 11 width tables that xterm.js
 * ships (the ones tmux and current terminals follow: CJK and emoji take two columns,
 * combining marks none). Every place that lays out text for a terminal measures with
 * this one table: the headless screens that model task output, blessed's drawing, and
 * truncation of listing rows. Two tables that disagree on one character shift a row.
 */
interface WidthProvider {
  readonly version: string;
  wcwidth(codePoint: number): 0 | 1 | 2;
}

/** The addon registers its width provider on activation; a stand-in terminal captures it. */
const provider: WidthProvider = (() => {
  let captured: WidthProvider | undefined;
  const stand = { unicode: { register: (p: WidthProvider) => void (captured = p) } };
  new Unicode11Addon().activate(stand as unknown as Parameters<InstanceType<typeof Unicode11Addon>['activate']>[0]);
  if (!captured) throw new Error('@xterm/addon-unicode11 registered no width provider');
  return captured;
})();

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

/** The part of a terminal that takes the widths: xterm's `loadAddon` and `unicode`. */
interface WidthTerminal {
  loadAddon(addon: InstanceType<typeof Unicode11Addon>): void;
  unicode: { activeVersion: string };
}

/** Makes a headless xterm measure characters with the same table. */
export function useDisplayWidths(term: WidthTerminal): void {
  term.loadAddon(new Unicode11Addon());
  term.unicode.activeVersion = provider.version;
}
