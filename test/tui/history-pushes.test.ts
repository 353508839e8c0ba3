import xtermHeadless from '@xterm/headless';
import { afterEach, describe, expect, it } from 'vitest';
import { countHistoryPushes } from '../../src/tui/history-pushes.js';
import { writeTerm, type HeadlessTerminal } from './blessed-harness.js';

const { Terminal } = xtermHeadless;

describe('lines pushed into a pane terminal history', () => {
  let term: HeadlessTerminal | null = null;
  afterEach(() => term?.dispose());

  it('are counted one by one, also once the history is full and its length no longer grows', async () => {
    term = new Terminal({ cols: 20, rows: 5, scrollback: 10, allowProposedApi: true });
    let pushed = 0;
    countHistoryPushes(term, () => pushed++);
    await writeTerm(term, Array.from({ length: 30 }, (_, i) => `line ${i}\r\n`).join(''));
    // 31 rows written on a 5-row screen: 26 went up into the history, which keeps only 10.
    expect(pushed).toBe(26);
    expect(term.buffer.active.length - term.rows).toBe(10);
    await writeTerm(term, 'one more\r\n');
    expect([pushed, term.buffer.active.length - term.rows]).toEqual([27, 10]);
  });

  it('are not counted on the alternate screen, which keeps no history', async () => {
    term = new Terminal({ cols: 20, rows: 5, scrollback: 10, allowProposedApi: true });
    let pushed = 0;
    countHistoryPushes(term, () => pushed++);
    await writeTerm(term, `\x1b[?1049h${'x\r\n'.repeat(20)}\x1b[?1049l`);
    expect(pushed).toBe(0);
  });
});
