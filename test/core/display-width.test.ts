import { describe, expect, it } from 'vitest';
import xtermHeadless from '@xterm/headless';
import { displayWidth, truncateColumns, useDisplayWidths } from '../../src/core/display-width.js';
import { oneLine } from '../../src/core/terminal-text.js';

describe('display width', () => {
  it('counts CJK and emoji as two columns, combining marks as none', () => {
    expect(displayWidth('x中文y')).toBe(6);
    expect(displayWidth('p😀q')).toBe(4);
    expect(displayWidth('m✔n')).toBe(3);
    expect(displayWidth('e\u0301')).toBe(1);
  });

  it('counts wide characters newer than Unicode 11 as two columns too, as tmux and current terminals do', () => {
    expect(displayWidth('a🫠b')).toBe(4); // U+1FAE0, Unicode 14
    expect(displayWidth('🥲')).toBe(2); // U+1F972, Unicode 13
    expect(displayWidth('♔')).toBe(1); // an old narrow symbol stays narrow
  });

  it('gives a headless screen the same widths', async () => {
    const term = new xtermHeadless.Terminal({ cols: 20, rows: 2, allowProposedApi: true });
    useDisplayWidths(term);
    await new Promise<void>((resolve) => term.write('a🫠b中', resolve));
    const line = term.buffer.active.getLine(0)!;
    expect(line.getCell(1)!.getChars()).toBe('🫠');
    expect(line.getCell(1)!.getWidth()).toBe(2);
    expect(line.getCell(3)!.getChars()).toBe('b');
    expect(term.buffer.active.cursorX).toBe(6);
    term.dispose();
  });

  it('truncates by columns, never splitting a wide char or a surrogate pair', () => {
    expect(truncateColumns('日本語テキスト 😀', 20)).toBe('日本語テキスト 😀');
    expect(truncateColumns('日本語テキスト', 6)).toBe('日本…');
    expect(truncateColumns('ab😀cd', 4)).toBe('ab…');
    expect(displayWidth(truncateColumns('ab😀cd', 4))).toBeLessThanOrEqual(4);
    expect(truncateColumns('ab😀cd', 5)).toBe('ab😀…');
  });

  it('oneLine bounds listing rows by columns', () => {
    const row = oneLine('tool 日本語テキスト 😀 done\nnext', 16);
    expect(row).toBe('tool 日本語テキ…');
    expect(displayWidth(row)).toBeLessThanOrEqual(16);
  });
});
