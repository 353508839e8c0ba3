import type blessed from 'blessed';

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
