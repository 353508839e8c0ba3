import xtermHeadless from '@xterm/headless';
import { afterEach, describe, expect, it } from 'vitest';
import { followSgrMouse, wheelInput } from '../../src/tui/pane-wheel.js';
import { writeTerm, type HeadlessTerminal } from './blessed-harness.js';

const { Terminal } = xtermHeadless;

describe('the mouse wheel over a pane', () => {
  let term: HeadlessTerminal | null = null;
  afterEach(() => term?.dispose());
  const fresh = () => (term = new Terminal({ cols: 80, rows: 24, allowProposedApi: true }));

  it('a shell (no mouse reports, normal screen): nothing is sent, the pane scrolls its own history', () => {
    const t = fresh();
    expect(wheelInput(t, followSgrMouse(t).sgr(), true, 3, 4)).toBeNull();
  });

  it('a program that asked for SGR mouse reports (OpenCode) gets the wheel at the cell under the pointer', async () => {
    const t = fresh();
    const mouse = followSgrMouse(t);
    await writeTerm(t, '\x1b[?1049h\x1b[?1000h\x1b[?1002h\x1b[?1003h\x1b[?1006h');
    expect(wheelInput(t, mouse.sgr(), true, 12, 7)).toBe('\x1b[<64;12;7M');
    expect(wheelInput(t, mouse.sgr(), false, 300, 7)).toBe('\x1b[<65;300;7M');
    // SGR turned off: the classic report, and none past column 223 where it cannot say where.
    await writeTerm(t, '\x1b[?1006l');
    expect(wheelInput(t, mouse.sgr(), true, 12, 7)).toBe(`\x1b[M${String.fromCharCode(96, 44, 39)}`);
    expect(wheelInput(t, mouse.sgr(), true, 300, 7)).toBeNull();
  });

  it('mouse reports asked for before the pane attached (its modes only in the snapshot): SGR is assumed', async () => {
    const t = fresh();
    const mouse = followSgrMouse(t);
    await writeTerm(t, '\x1b[?1000h');
    expect(wheelInput(t, mouse.sgr(), true, 2, 3)).toBe('\x1b[<64;2;3M');
  });

  it('a full-screen program without mouse reports (less) gets three arrow keys, in its cursor key mode', async () => {
    const t = fresh();
    const mouse = followSgrMouse(t);
    await writeTerm(t, '\x1b[?1049h');
    expect(wheelInput(t, mouse.sgr(), true, 1, 1)).toBe('\x1b[A\x1b[A\x1b[A');
    await writeTerm(t, '\x1b[?1h');
    expect(wheelInput(t, mouse.sgr(), false, 1, 1)).toBe('\x1bOB\x1bOB\x1bOB');
  });
});
