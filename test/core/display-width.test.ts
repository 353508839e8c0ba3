import { describe, expect, it } from 'vitest';
import { displayWidth, truncateColumns } from '../../src/core/display-width.js';
import { oneLine } from '../../src/core/terminal-text.js';

describe('display width', () => {
  it('counts CJK and emoji as two columns, combining marks as none', () => {
    expect(displayWidth('x中文y')).toBe(6);
    expect(displayWidth('p😀q')).toBe(4);
    expect(displayWidth('m✔n')).toBe(3);
    expect(displayWidth('e\u0301')).toBe(1);
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
