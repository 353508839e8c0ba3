import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { TUI_BIN } from './tmux-tui.js';

const GRID = 'version: 1\nregions:\n  terminals: { left: 0, top: 0, width: 100, height: 100 }\n';

/** lacp-tui under a plain child process (pipes, no terminal): a bad --layout must be refused before anything else. */
function tui(root: string, args: string[]) {
  return execa(process.execPath, [TUI_BIN, '--workspace', root, ...args], { reject: false, stdin: 'ignore', env: { LACP_WORKSPACE: undefined } });
}

describe('lacp-tui --layout', () => {
  let root = '';
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('an unknown name: one line naming every preset there is (the workspace its own too), exit 2', async () => {
    root = mkdtempSync(join(tmpdir(), 'lacp-layout-cli-'));
    mkdirSync(join(root, 'panes'));
    writeFileSync(join(root, 'panes', 'mine.yaml'), GRID);
    writeFileSync(join(root, 'panes', 'default.yaml'), GRID); // the workspace's own default: named once
    const r = await tui(root, ['--layout', 'nope']);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe("lacp-tui: unknown layout 'nope' (available: default, focus, grid, mine)");
  });

  it('a name that cannot be a file name: one line, no position, exit 2', async () => {
    root = mkdtempSync(join(tmpdir(), 'lacp-layout-cli-'));
    const r = await tui(root, ['--layout', '../x']);
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe("lacp-tui: bad layout name '../x' (letters, digits, - and _; available: default, focus, grid)");
  });
});
