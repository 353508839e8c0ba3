import { expect, it } from 'vitest';
import { useTuiSessions } from './tui-session.js';

/** A full-screen program that asks for SGR mouse reports (as OpenCode does) and shows the bytes it reads. */
const MOUSE_TOOLS = `version: 1
tools:
  mousey:
    mode: interactive
    cmd: ["sh", "-c", "printf '\\\\033[?1049h\\\\033[?1000h\\\\033[?1006hready\\\\n'; stty raw -echo; exec cat -v"]
`;

const open = useTuiSessions();

it('the wheel over a pane whose program reads the mouse (OpenCode) reaches it as a wheel report at the cell under the pointer', async () => {
  const { ws, tui } = open(MOUSE_TOOLS);
  const taskId = (await ws.run(['mousey'])).taskId;
  tui.start();
  const screen = await tui.waitFor((s) => s.includes(`┌─ ${taskId} mousey`) && s.includes('ready'), 'the pane, its program ready');
  const rows = screen.split('\n');
  const top = rows.findIndex((l) => l.includes(`┌─ ${taskId} mousey`));
  const left = rows[top]!.indexOf(`┌─ ${taskId} mousey`);
  // 1-based screen cell 5 columns and 3 rows into the pane: pane cell 5;3. Sent again until it
  // shows: a wheel turned while the pane is still (re)attaching after start is not delivered.
  await tui.waitFor((s) => {
    if (/\^\[\[<64;5;3M/.test(s)) return true;
    tui.type(`\x1b[<64;${left + 1 + 5};${top + 1 + 3}M`);
    return false;
  }, 'the wheel-up report in the pane');
  tui.type(`\x1b[<65;${left + 1 + 2};${top + 1 + 1}M`);
  await tui.waitFor(/\^\[\[<65;2;1M/, 'the wheel-down report in the pane');
  expect(tui.screen()).not.toMatch(new RegExp(`${taskId} mousey ↑`)); // the pane did not scroll its own history
  tui.keys('q');
  await tui.waitExit();
});
