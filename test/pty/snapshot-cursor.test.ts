import { describe, expect, it } from 'vitest';
import { HeadlessScreen } from '../../src/pty/headless-screen.js';

/** Writes `data` and resolves once the screen has parsed it. */
function written(screen: HeadlessScreen, data: string): Promise<void> {
  return new Promise((resolve) => screen.write(data, resolve));
}

const HIDE = '\x1b[?25l';

describe('screen snapshot and the cursor', () => {
  it('carries a hidden cursor, so a client attaching later does not draw one the program hid', async () => {
    const screen = new HeadlessScreen(80, 24, 100);
    await written(screen, `${HIDE}a full-screen program`);
    expect(screen.snapshot(100)).toContain(HIDE);
    // What a fresh terminal makes of the snapshot has the cursor hidden as well.
    const replayed = new HeadlessScreen(80, 24, 100);
    await written(replayed, screen.snapshot(100));
    expect(replayed.snapshot(100)).toContain(HIDE);
    screen.dispose();
    replayed.dispose();
  });

  it('says nothing of the cursor once the program shows it again, or resets the terminal', async () => {
    const screen = new HeadlessScreen(80, 24, 100);
    await written(screen, `${HIDE}drawing\x1b[?25h`);
    expect(screen.snapshot(100)).not.toContain(HIDE);
    await written(screen, `${HIDE}again\x1bc`);
    expect(screen.snapshot(100)).not.toContain(HIDE);
    await written(screen, `${HIDE}and\x1b[!p`);
    expect(screen.snapshot(100)).not.toContain(HIDE);
    screen.dispose();
  });
});
