import { afterEach } from 'vitest';
import { TestWorkspace } from '../helpers/workspace.js';
import { TmuxTui } from './tmux-tui.js';

export type OpenTui = (tools?: string, size?: { cols: number; rows: number }) => { ws: TestWorkspace; tui: TmuxTui };

/**
 * For a file of lacp-tui flows under tmux: `open()` makes a test's workspace and its UI,
 * and both are ended after the test (tmux server killed, daemon stopped, workspace checked).
 */
export function useTuiSessions(): OpenTui {
  let ws: TestWorkspace | null = null;
  let tui: TmuxTui | null = null;
  afterEach(async () => {
    tui?.kill();
    await ws?.dispose();
    ws = null;
    tui = null;
  });
  return (tools, size) => {
    ws = new TestWorkspace(tools);
    tui = new TmuxTui(ws.root, size);
    return { ws, tui };
  };
}
