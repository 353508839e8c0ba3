/**
 * Fits a blessed cell attribute (flags << 18 | fg << 9 | bg) to the colours a
 * terminal has. blessed's own reduction squeezes 256 colours into the first 8 and
 * drops a bright colour to its normal one by subtracting 8, so on an 8-colour
 * terminal gray (bright black, 8) became black (0): every border and a task's gray
 * text vanished on a dark background. Here:
 * - 256 colours or more: nothing changes;
 * - 16 colours: a 256-palette colour becomes the nearest of the 16 (by RGB), so
 *   gray stays 90 and bright colours 90-97 / 100-107;
 * - 8 colours or fewer: bright colours become their normal counterparts, except a
 *   bright black foreground, which becomes the colour that reads on its background
 *   (the default foreground on the default background, white on a dark one, black
 *   on a light one). tmux draws it as bold black there, which is visible only where
 *   bold also brightens; nothing promises that.
 */
export const DEFAULT_COLOUR = 0x1ff;

const BLACK = 0;
const WHITE = 7;
const BRIGHT_BLACK = 8;
const SYSTEM_COLOURS = 16;
/** Normal background colours light enough that black text reads on them: green, yellow, cyan, white. */
const LIGHT_BACKGROUNDS = new Set([2, 3, 6, 7]);

/** xterm's default RGB for colour `i` of its 256: 16 system colours, a 6x6x6 cube, 24 grays. */
export function paletteRgb(i: number): [number, number, number] {
  if (i < SYSTEM_COLOURS) return SYSTEM_RGB[i]!;
  if (i < 232) {
    const n = i - 16;
    return [CUBE_LEVELS[Math.floor(n / 36)]!, CUBE_LEVELS[Math.floor(n / 6) % 6]!, CUBE_LEVELS[n % 6]!];
  }
  const gray = 8 + (i - 232) * 10;
  return [gray, gray, gray];
}

const CUBE_LEVELS = [0, 95, 135, 175, 215, 255];
const SYSTEM_RGB: [number, number, number][] = [
  [0, 0, 0], [205, 0, 0], [0, 205, 0], [205, 205, 0], [0, 0, 238], [205, 0, 205], [0, 205, 205], [229, 229, 229],
  [127, 127, 127], [255, 0, 0], [0, 255, 0], [255, 255, 0], [92, 92, 255], [255, 0, 255], [0, 255, 255], [255, 255, 255],
];

/**
 * The nearest palette index to an RGB colour. `into256`: only the cube and the grays
 * (16-255), whose RGB are fixed, never the 16 system colours a user's theme redefines;
 * otherwise one of the 16 system colours.
 */
export function nearestColour(r: number, g: number, b: number, into256: boolean): number {
  const [from, to] = into256 ? [SYSTEM_COLOURS, 256] : [0, SYSTEM_COLOURS];
  let best = from;
  let bestDistance = Infinity;
  for (let i = from; i < to; i++) {
    const [pr, pg, pb] = paletteRgb(i);
    // Weighted by how strongly the eye sees each channel, so grays match grays.
    const d = 3 * (r - pr) ** 2 + 4 * (g - pg) ** 2 + 2 * (b - pb) ** 2;
    if (d < bestDistance) [best, bestDistance] = [i, d];
  }
  return best;
}

const TO_SIXTEEN = Array.from({ length: 256 }, (_, i) => (i < SYSTEM_COLOURS ? i : nearestColour(...paletteRgb(i), false)));

export function fitAttr(attr: number, colours: number): number {
  if (colours >= 256) return attr;
  const flags = attr >> 18;
  let fg = (attr >> 9) & 0x1ff;
  let bg = attr & 0x1ff;
  if (fg !== DEFAULT_COLOUR) fg = TO_SIXTEEN[fg] ?? fg;
  if (bg !== DEFAULT_COLOUR) bg = TO_SIXTEEN[bg] ?? bg;
  if (colours < SYSTEM_COLOURS) {
    if (bg !== DEFAULT_COLOUR && bg >= BRIGHT_BLACK) bg -= BRIGHT_BLACK;
    if (fg === BRIGHT_BLACK) fg = bg === DEFAULT_COLOUR ? DEFAULT_COLOUR : LIGHT_BACKGROUNDS.has(bg) ? BLACK : WHITE;
    else if (fg !== DEFAULT_COLOUR && fg > BRIGHT_BLACK) fg -= BRIGHT_BLACK;
  }
  return (flags << 18) | (fg << 9) | bg;
}
