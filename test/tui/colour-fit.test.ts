import { afterEach, describe, expect, it } from 'vitest';
import xtermHeadless from '@xterm/headless';
import { fitAttr, nearestColour, DEFAULT_COLOUR } from '../../src/tui/colour-fit.js';
import { renderCells } from '../../src/tui/cell-renderer.js';
import { terminalColours } from '../../src/tui/terminal-type.js';
import { TerminalTile } from '../../src/tui/view/terminal-tile.js';
import { ScreenHarness, writeTerm } from './blessed-harness.js';

const { Terminal } = xtermHeadless;

/** A task line: gray, bright white, a 256 gray, gray on white, gray on blue, bright red, bright red background. */
const TASK_LINE = '\x1b[90mG\x1b[0m\x1b[97mW\x1b[0m\x1b[38;5;244mM\x1b[0m\x1b[90;47mL\x1b[0m\x1b[90;44mD\x1b[0m\x1b[91mR\x1b[0m\x1b[101mB\x1b[0m';

type HostCell = { isFgDefault(): number; isBgDefault(): number; getFgColor(): number; getBgColor(): number };

/** Draws a tile (border gray: not focused) around TASK_LINE on a terminal with `colours`; returns the host's cells. */
async function drawTile(harness: ScreenHarness): Promise<(x: number, y: number) => HostCell> {
  const task = new Terminal({ cols: 12, rows: 2, allowProposedApi: true });
  await writeTerm(task, TASK_LINE);
  const tile = new TerminalTile(harness.screen, () => undefined, () => undefined);
  Object.assign(tile.box, { left: 0, top: 0, width: 14, height: 4 });
  tile.box.show();
  tile.setFrame('t-1', false, false);
  tile.cells = renderCells(task, 12, 2, { color: true, cursor: false, scrollback: 0 });
  await harness.render();
  task.dispose();
  const host = harness.host.buffer.active;
  return (x, y) => host.getLine(y)!.getCell(x)! as unknown as HostCell;
}

describe('colours fitted to the terminal', () => {
  let harness: ScreenHarness | null = null;
  afterEach(() => harness?.dispose());

  it('16 colours: gray borders and bright task colours stay bright (90-97, 100-107); a 256 gray becomes gray', async () => {
    harness = new ScreenHarness(16, 5, 16);
    const cell = await drawTile(harness);
    expect(cell(0, 0).getFgColor()).toBe(8); // the border's corner
    expect(cell(0, 1).getFgColor()).toBe(8); // its left side
    expect(cell(1, 1).getFgColor()).toBe(8); // G
    expect(cell(2, 1).getFgColor()).toBe(15); // W
    expect(cell(3, 1).getFgColor()).toBe(8); // M: 244 is #808080
    expect(cell(6, 1).getFgColor()).toBe(9); // R
    expect(cell(7, 1).getBgColor()).toBe(9); // B
    expect(harness.written).toMatch(/\x1b\[90m/);
    expect(harness.written).not.toMatch(/\x1b\[30m|38;5;/);
  });

  it('8 colours: gray is never drawn black: borders and gray text take the default foreground, or the colour that reads on their background', async () => {
    harness = new ScreenHarness(16, 5, 8);
    const cell = await drawTile(harness);
    expect(cell(0, 0).isFgDefault()).toBeTruthy(); // border
    expect(cell(13, 2).isFgDefault()).toBeTruthy(); // right border
    expect(cell(1, 1).isFgDefault()).toBeTruthy(); // G
    expect(cell(2, 1).getFgColor()).toBe(7); // W: bright white -> white
    expect(cell(3, 1).isFgDefault()).toBeTruthy(); // M: a 256 gray is gray too
    expect([cell(4, 1).getFgColor(), cell(4, 1).getBgColor()]).toEqual([0, 7]); // L: gray on white -> black on white
    expect([cell(5, 1).getFgColor(), cell(5, 1).getBgColor()]).toEqual([7, 4]); // D: gray on blue -> white on blue
    expect(cell(6, 1).getFgColor()).toBe(1); // R
    expect(cell(7, 1).getBgColor()).toBe(1); // B
    expect(harness.written).not.toMatch(/\x1b\[30m/); // black only on the white background of L: "\e[47;30m"
    expect(harness.written).not.toMatch(/\x1b\[(?:[\d;]*;)?(9\d|10\d)m/);
  });

  it('fitAttr keeps attributes and default colours, and leaves 256 colours alone', () => {
    const attr = (flags: number, fg: number, bg: number) => (flags << 18) | (fg << 9) | bg;
    expect(fitAttr(attr(1, 244, 17), 256)).toBe(attr(1, 244, 17));
    expect(fitAttr(attr(9, 8, DEFAULT_COLOUR), 8)).toBe(attr(9, DEFAULT_COLOUR, DEFAULT_COLOUR));
    expect(fitAttr(attr(0, DEFAULT_COLOUR, 8), 8)).toBe(attr(0, DEFAULT_COLOUR, 0));
    expect(fitAttr(attr(0, 196, 21), 16)).toBe(attr(0, 9, 4)); // #ff0000 is bright red, #0000ff nearest xterm's blue #0000ee
  });

  it('true colour is matched to the nearest of 256 by its own RGB: #808080 is 244 (blessed matched it to yellow)', async () => {
    expect(nearestColour(0x80, 0x80, 0x80, true)).toBe(244);
    expect(nearestColour(0x5f, 0x87, 0xaf, true)).toBe(67);
    const task = new Terminal({ cols: 4, rows: 1, allowProposedApi: true });
    await writeTerm(task, '\x1b[38;2;128;128;128mX\x1b[48;2;95;135;175mY');
    const [x, y] = renderCells(task, 4, 1, { color: true, cursor: false, scrollback: 0 })[0]!;
    expect((x![0] >> 9) & 0x1ff).toBe(244);
    expect(y![0] & 0x1ff).toBe(67);
    task.dispose();
  });

  it('a TERM that announces 16 colours gets 16 where blessed found only xterm\'s 8', () => {
    expect(terminalColours({ TERM: 'xterm-16color' }, 8)).toBe(16);
    expect(terminalColours({ TERM: 'screen-16color' }, 8)).toBe(16);
    expect(terminalColours({ TERM: 'screen' }, 8)).toBe(8);
    expect(terminalColours({ TERM: 'xterm-256color' }, 256)).toBe(256);
  });
});
