import type blessed from 'blessed';

/**
 * The mouse modes lacp-tui asks of the host terminal, instead of blessed's guess by
 * $TERM (for xterm and screen/tmux: 1000, 1002, 1003 and UTF-8 coordinates, 1005):
 * - SGR reports (1006): any column and row (X10 bytes stop at column 223; 1005's UTF-8
 *   coordinates are misread by whatever takes them for X10 bytes) and which button was
 *   released; tmux and every current terminal send them, and blessed parses them.
 * - button-event tracking (1002, with 1000 first for a terminal without 1002): presses,
 *   releases, the wheel, drags. No any-motion (1003): lacp has no hover, and under
 *   tmux blessed wrote it past tmux straight to the outer terminal.
 */
export const MOUSE_MODES = { vt200Mouse: true, cellMotion: true, sgrMouse: true } as const;

type MouseProgram = { enableMouse(): void; setMouse(modes: Record<string, boolean>, enable: boolean): void };

/**
 * Turns mouse reporting on with MOUSE_MODES; blessed turns off the same modes when the
 * screen is destroyed (and the terminal guard's reset covers every mouse mode anyway).
 */
export function enableMouse(screen: blessed.Widgets.Screen): void {
  const program = screen.program as unknown as MouseProgram;
  // blessed calls program.enableMouse() itself (now, and again after a suspend): it always gets these modes.
  program.enableMouse = () => program.setMouse({ ...MOUSE_MODES }, true);
  screen.enableMouse();
  deliverEveryMouseReport(screen);
}

/**
 * A terminal's mouse reports (SGR `ESC [ < b ; x ; y M|m`, X10 `ESC [ M b x y`) each on
 * their own: a press and its release that reach us in one read are two events.
 */
export function splitMouseReports(text: string): string[] {
  return text.split(/(?=\x1b\[<|\x1b\[M)/);
}

/**
 * blessed reads one mouse report per chunk of input and drops the rest, so a click whose
 * press and release arrive together (a quick tap, a busy machine, a remote session) was
 * lost. This hands it the reports of a chunk one at a time.
 */
export function deliverEveryMouseReport(screen: blessed.Widgets.Screen): void {
  const program = screen.program as unknown as { _bindMouse: (text: string, buf: Buffer) => void };
  const readOne = program._bindMouse.bind(program);
  program._bindMouse = (text, buf) => {
    const reports = splitMouseReports(text);
    if (reports.length === 1) return readOne(text, buf);
    for (const report of reports) readOne(report, Buffer.from(report));
  };
}
