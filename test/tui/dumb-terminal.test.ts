import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { TmuxTui } from './tmux-tui.js';

let root = '';
let tmux: TmuxTui | null = null;
afterEach(() => {
  tmux?.kill();
  tmux = null;
  rmSync(root, { recursive: true, force: true });
});

it('TERM=dumb (an Emacs shell buffer, a CI log): one line saying why, exit 2, instead of a full screen drawn as garbage', async () => {
  root = mkdtempSync(join(tmpdir(), 'lacp-tui-dumb-'));
  tmux = new TmuxTui(root, { cols: 200, rows: 10 });
  tmux.start([], { TERM: 'dumb' });
  const exit = await tmux.waitExit();
  expect(exit).toEqual({ status: 2, alternate: false, mouse: false });
  const said = tmux.lines().filter((l) => l.startsWith('lacp-tui'));
  expect(said).toEqual([
    "lacp-tui: TERM=dumb cannot draw a full-screen UI (no cursor movement); run it in a terminal emulator or tmux, or use lacp (the scriptable CLI)",
    'lacp-tui exited 2',
  ]);
});
