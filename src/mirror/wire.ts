import type { LogLine, RunView } from './mirror-model.js';

/**
 * What the mirror sends a viewer, one JSON text frame each. The page draws from
 * these alone; a viewer that reconnects gets `hello`, `tree`, `log` and a `pane`
 * snapshot per terminal again, so it never has to remember anything.
 */
export type ViewerMessage =
  | { t: 'hello'; workspace: string; now: string }
  | { t: 'tree'; runs: RunView[]; now: string }
  | { t: 'log'; lines: LogLine[]; reset: boolean }
  | { t: 'pane'; task_id: string; title: string; cols: number; rows: number; snapshot: string; exited: boolean }
  | { t: 'data'; task_id: string; data: string }
  | { t: 'resize'; task_id: string; cols: number; rows: number }
  | { t: 'exit'; task_id: string; exit_code: number | null; signal: string | null }
  | { t: 'unpane'; task_id: string };

/**
 * The close code a viewer gets when `lacp mirror --stop` closed the mirror: its token is
 * forgotten, so the page stops retrying. Any other close (1001 when the daemon stops)
 * means "reconnect". 4000-4999 is the range RFC 6455 leaves to applications.
 */
export const CLOSE_MIRROR_STOPPED = 4001;

/**
 * The only message a viewer may send: how many characters of pane data it has
 * written into its terminals. Anything else is ignored, unread.
 */
export interface ViewerAck {
  t: 'ack';
  chars: number;
}

export function parseViewerAck(raw: string): ViewerAck | null {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { t, chars } = value as Record<string, unknown>;
  if (t !== 'ack' || typeof chars !== 'number' || !Number.isSafeInteger(chars) || chars < 0) return null;
  return { t, chars };
}
