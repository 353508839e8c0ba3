import { parentPort } from 'node:worker_threads';
import type { ScreenText } from '../core/protocol.js';
import { HeadlessScreen } from './headless-screen.js';

/** What the daemon's main thread asks of the screen worker; `id` names one PTY's screen. */
export type ScreenRequest =
  | { op: 'open'; id: number; cols: number; rows: number; scrollback: number }
  | { op: 'write'; id: number; data: string }
  | { op: 'resize'; id: number; cols: number; rows: number }
  | { op: 'snapshot'; id: number; req: number; scrollback: number }
  | { op: 'text'; id: number; req: number; taskId: string }
  | { op: 'dispose'; id: number };

/** What the worker tells the main thread. */
export type ScreenReport =
  | { op: 'parsed'; id: number; chars: number }
  | { op: 'reply'; id: number; data: string }
  | { op: 'answer'; req: number; value: string | ScreenText | null };

/**
 * The daemon's screen models live in this worker thread, so parsing a flood never
 * holds up the main thread's PTY reads, recording and client fan-out (VS Code keeps
 * its headless terminals in the pty host for the same reason). Requests are handled
 * in the order they were posted: a snapshot asked for after a write includes it.
 */
const port = parentPort;
if (!port) throw new Error('screen-worker runs as a worker thread');

/**
 * These screens are read only when asked (a snapshot, `lacp screen`: points in the stream
 * that parse what waits first), so plain output may wait: held text that reaches `chars`
 * shrinks to its last scrollback's worth of lines (TerminalFeed), and a flood of a second
 * is parsed about once, not every few milliseconds. Under the main thread's high parser
 * watermark (pty-session.ts), and what shrinking drops counts as parsed at once, so
 * holding alone never pauses a PTY.
 */
const HOLD_PLAIN = { ms: 1_000, chars: 2_000_000 };

const screens = new Map<number, HeadlessScreen>();
const post = (report: ScreenReport) => port.postMessage(report);

port.on('message', (m: ScreenRequest) => {
  if (m.op === 'open') {
    const screen = new HeadlessScreen(m.cols, m.rows, m.scrollback, HOLD_PLAIN);
    screen.onReply((data) => post({ op: 'reply', id: m.id, data }));
    screens.set(m.id, screen);
    return;
  }
  const screen = screens.get(m.id);
  switch (m.op) {
    case 'write':
      screen?.write(m.data, () => post({ op: 'parsed', id: m.id, chars: m.data.length }));
      return;
    case 'resize':
      screen?.resize(m.cols, m.rows);
      return;
    case 'snapshot':
      if (!screen) return post({ op: 'answer', req: m.req, value: null });
      return screen.whenParsed(() => post({ op: 'answer', req: m.req, value: screen.snapshot(m.scrollback) }));
    case 'text':
      if (!screen) return post({ op: 'answer', req: m.req, value: null });
      return screen.whenParsed(() => post({ op: 'answer', req: m.req, value: screen.text(m.taskId) }));
    case 'dispose':
      screen?.dispose();
      screens.delete(m.id);
      return;
  }
});
