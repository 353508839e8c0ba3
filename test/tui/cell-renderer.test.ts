import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import xtermHeadless from '@xterm/headless';
import blessed from 'blessed';
import { useDisplayWidths } from '../../src/core/display-width.js';
import { renderCells } from '../../src/tui/cell-renderer.js';
import { TerminalTile } from '../../src/tui/view/terminal-tile.js';
import { ScreenHarness, writeTerm } from './blessed-harness.js';

const { Terminal } = xtermHeadless;
const GOLDEN = join(import.meta.dirname, 'golden');

/** Compares with test/tui/golden/NAME.txt; UPDATE_GOLDEN=1 writes it. */
function expectGolden(name: string, lines: string[]): void {
  const file = join(GOLDEN, `${name}.txt`);
  const text = `${lines.map((l) => l.trimEnd()).join('\n')}\n`;
  if (process.env.UPDATE_GOLDEN || !existsSync(file)) writeFileSync(file, text);
  expect(text).toBe(readFileSync(file, 'utf8'));
}

/** What a task writes: colours of every kind, attributes, wide chars, and sequences that must not escape. */
const TASK_OUTPUT = [
  '\x1b[1mbold\x1b[0m \x1b[4munder\x1b[0m \x1b[7minverse\x1b[0m\r\n',
  '\x1b[31mred\x1b[0m \x1b[38;5;208m256\x1b[0m \x1b[38;2;10;200;30mtrue\x1b[0m \x1b[44mbg\x1b[0m\r\n',
  'wide: 漢字テスト|\r\n',
  '\x1b]52;c;ZXZpbA==\x07\x1b]0;evil title\x07\x1bP+q544e\x1b\\after osc\r\n',
  'box ─│┌┐ done\r\n',
  '$ ',
].join('');

describe('cell renderer', () => {
  let harness: ScreenHarness | null = null;
  afterEach(() => harness?.dispose());

  it('draws a task screen inside a tile: text, wide chars, attributes, colours, cursor; no task escape reaches the host', async () => {
    const task = new Terminal({ cols: 30, rows: 8, allowProposedApi: true });
    await writeTerm(task, TASK_OUTPUT);
    harness = new ScreenHarness(40, 12);
    const tile = new TerminalTile(harness.screen, () => undefined, () => undefined);
    Object.assign(tile.box, { left: 1, top: 1, width: 32, height: 10 });
    tile.box.show();
    tile.setFrame('t-1 shell', true, false);
    tile.cells = renderCells(task, 30, 8, { color: true, cursor: true, scrollback: 0 });
    await harness.render();
    expectGolden('tile-basic', harness.lines());

    const host = harness.host.buffer.active;
    const cell = (x: number, y: number) => host.getLine(y)!.getCell(x)!;
    // Inside the tile: x offset 2 (left 1 + border), y offset 2.
    expect(cell(2, 2).isBold()).not.toBe(0);
    expect(cell(7, 2).isUnderline()).not.toBe(0);
    expect(cell(13, 2).isInverse()).not.toBe(0);
    expect(cell(2, 3).getFgColor()).toBe(1);
    expect(cell(6, 3).getFgColor()).toBe(208);
    expect(cell(10, 3).isFgPalette()).not.toBe(0); // true colour mapped to the 256 palette
    expect(cell(15, 3).getBgColor()).toBe(4);
    expect(cell(8, 4).getWidth()).toBe(2);
    // The cursor after "$ " is drawn as an inverse cell.
    expect(cell(4, 7).isInverse()).not.toBe(0);
    expect(harness.written).not.toMatch(/\x1b\]52|\x1b\]0;|evil title|\x1bP/);
  });

  it('maps colours down to 16 when that is all the terminal has, and drops them under NO_COLOR', async () => {
    const task = new Terminal({ cols: 20, rows: 3, allowProposedApi: true });
    await writeTerm(task, '\x1b[38;5;208mX\x1b[0m \x1b[1;38;2;255;0;0mY\x1b[0m');
    harness = new ScreenHarness(24, 5, 16);
    const tile = new TerminalTile(harness.screen, () => undefined, () => undefined);
    Object.assign(tile.box, { left: 0, top: 0, width: 22, height: 5 });
    tile.box.show();
    tile.cells = renderCells(task, 20, 3, { color: true, cursor: false, scrollback: 0 });
    await harness.render();
    const host = harness.host.buffer.active;
    expect(host.getLine(1)!.getCell(1)!.getFgColor()).toBeLessThan(16);
    expect(host.getLine(1)!.getCell(3)!.getFgColor()).toBeLessThan(16);
    expect(harness.written).not.toMatch(/38;5;|38;2;/);

    const plain = renderCells(task, 20, 3, { color: false, cursor: false, scrollback: 0 });
    expect(plain[0]![2]![0] >> 18).toBe(1); // bold stays
    expect(plain[0]![2]![0] & 0x3ffff).toBe((0x1ff << 9) | 0x1ff); // default colours
  });

  it('shows history when scrolled back', async () => {
    const task = new Terminal({ cols: 10, rows: 3, scrollback: 100, allowProposedApi: true });
    await writeTerm(task, Array.from({ length: 10 }, (_, i) => `line${i}`).join('\r\n'));
    const text = (scrollback: number) => renderCells(task, 10, 3, { color: true, cursor: false, scrollback }).map((r) => r.map((c) => c[1]).join('').trimEnd());
    expect(text(0)).toEqual(['line7', 'line8', 'line9']);
    expect(text(2)).toEqual(['line5', 'line6', 'line7']);
    expect(text(99)).toEqual(['line0', 'line1', 'line2']);
  });
  it('gives CJK and emoji two cells each in a tile: the right border stays put, and a redraw leaves nothing behind', async () => {
    const task = new Terminal({ cols: 12, rows: 5, allowProposedApi: true });
    useDisplayWidths(task);
    await writeTerm(task, 'x中文y\r\np😀q\r\nm✔n\r\n12345678901😀');
    harness = new ScreenHarness(16, 7);
    const tile = new TerminalTile(harness.screen, () => undefined, () => undefined);
    Object.assign(tile.box, { left: 1, top: 0, width: 14, height: 7 });
    tile.box.show();
    tile.cells = renderCells(task, 12, 5, { color: true, cursor: false, scrollback: 0 });
    await harness.render();
    expectGolden('tile-wide', harness.lines());
    const host = harness.host.buffer.active;
    expect(host.getLine(2)!.getCell(3)!.getChars()).toBe('😀');
    expect(host.getLine(2)!.getCell(3)!.getWidth()).toBe(2);
    // An emoji that would straddle the tile's edge wraps to the next task row: every row keeps its border.
    for (let y = 1; y <= 5; y++) expect(host.getLine(y)!.getCell(14)!.getChars()).toBe('│');

    await writeTerm(task, '\x1b[2J\x1b[Hok');
    tile.cells = renderCells(task, 12, 5, { color: true, cursor: false, scrollback: 0 });
    tile.paintInPlace(harness.screen);
    await harness.render();
    expect(harness.lines().slice(1, 6)).toEqual([' │ok          │', ...Array(4).fill(' │            │')]);
  });

  it('draws text widgets with wide chars at two columns: borders stay, nothing is left after the content changes', async () => {
    harness = new ScreenHarness(24, 5);
    const box = blessed.box({ parent: harness.screen, left: 0, top: 0, width: 24, height: 5, border: { type: 'line' }, tags: true, wrap: false });
    box.setContent('日本語テキスト 😀 end\n{bold}a😀b{/bold} ✅ c\nplain');
    await harness.render();
    expectGolden('box-wide', harness.lines());
    for (let y = 1; y <= 3; y++) expect(harness.lines()[y]!.endsWith('│')).toBe(true);
    box.setContent('one\ntwo\nthree');
    await harness.render();
    expect(harness.lines().slice(1, 4)).toEqual(['│one                   │', '│two                   │', '│three                 │']);
  });
});
