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
