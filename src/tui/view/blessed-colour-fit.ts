import { createRequire } from 'node:module';
import { fitAttr } from '../colour-fit.js';

/**
 * blessed turns cell attributes into SGR in Screen.draw, reducing colours with its own
 * table, which made gray black on 8 colours and squeezed 256 into 8 on 16. Importing
 * this module makes draw fit the attributes of the rows it is about to write to the
 * screen's colour count first (see colour-fit), so borders, tags, widgets and task
 * cells all reduce the same way; blessed's reduction then finds them in range and
 * passes them unchanged. With 256 colours or more nothing is touched.
 */
type Line = [number, string][] & { dirty?: boolean };
interface DrawingScreen {
  lines: Line[];
  tput: { colors: number };
}
interface BlessedScreen {
  prototype: { draw(this: DrawingScreen, start: number, end: number): void };
}

const FULL_PALETTE = 256;

const Screen = createRequire(import.meta.url)('blessed/lib/widgets/screen') as BlessedScreen;
const blessedDraw = Screen.prototype.draw;

Screen.prototype.draw = function draw(start, end) {
  const colours = this.tput.colors;
  if (colours < FULL_PALETTE) {
    // Only dirty rows are written; fitting is idempotent, so the copy blessed keeps of
    // what is on screen compares equal on the next frame.
    for (let y = start; y <= end; y++) {
      const line = this.lines[y];
      if (!line?.dirty) continue;
      for (const cell of line) cell[0] = fitAttr(cell[0], colours);
    }
  }
  blessedDraw.call(this, start, end);
};
