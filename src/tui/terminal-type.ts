/**
 * The terminal type blessed is told to drive. blessed reads only the legacy terminfo
 * format; entries compiled by newer ncurses (Debian 12's tmux-256color, screen-256color,
 * alacritty, xterm-kitty) make it fall back to plain `xterm` with 8 colours, so inside
 * tmux every gray came out black and 256 colours were squeezed into 8. A terminal that
 * says it has 256 colours or more (TERM *-256color, or COLORTERM truecolor/24bit) is
 * driven as xterm-256color instead: all of those speak its sequences. Anything else is
 * left to blessed's own lookup.
 */
export function blessedTerminal(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const term = env.TERM ?? '';
  const manyColours = /-256colou?r$/.test(term) || /^(truecolor|24bit)$/i.test(env.COLORTERM ?? '');
  return manyColours ? 'xterm-256color' : undefined;
}

/**
 * How many colours to draw with, given what blessed found. blessed has no terminfo for
 * a TERM it cannot read (xterm-16color without ncurses-term installed, screen-16color)
 * and falls back to xterm's 8, which took bright colours away from a terminal that
 * announces 16. A TERM ending in -16color gets its 16.
 */
export function terminalColours(env: Readonly<Record<string, string | undefined>>, found: number): number {
  return /-16colou?r$/.test(env.TERM ?? '') ? Math.max(found, 16) : found;
}

/**
 * A terminal that cannot move its cursor (TERM=dumb: an Emacs shell buffer, a CI log):
 * blessed draws there anyway and every frame comes out as a run of garbage, so lacp-tui
 * says so instead. An unset TERM is left to blessed, which assumes xterm.
 */
export function cannotAddressCursor(env: Readonly<Record<string, string | undefined>>): boolean {
  return /^dumb\b/.test(env.TERM ?? '');
}
