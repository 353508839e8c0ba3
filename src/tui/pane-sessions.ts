import type { DaemonClient } from '../client/daemon-client.js';
import { ScreenFollower } from '../client/screen-follower.js';
import type { Log } from './tui-log.js';
import { ParseScheduler } from './parse-scheduler.js';
import { countHistoryPushes } from './history-pushes.js';
import { followSgrMouse, wheelInput } from './pane-wheel.js';

/** History each pane keeps for scrolling back (lines above the screen). */
const PANE_SCROLLBACK = 2000;
/** How long after a keystroke the other panes' parsing yields to the typed-into one. */
const TYPING_PRIORITY_MS = 250;

export interface PaneSession {
  taskId: string;
  follower: ScreenFollower | null;
  /** The screen changed since it was last drawn. */
  dirty: boolean;
  exited: boolean;
  /** Frame time it was last drawn at (background panes are drawn less often). */
  drawnAt: number;
  /** Size last asked of the daemon, so a frame does not ask again. */
  requested: { cols: number; rows: number } | null;
  /** Lines pushed into the pane's history since the shell last took the count (a pane scrolled back moves up by them). */
  pushed: number;
  /** Whether the pane's program reads SGR mouse reports (the wheel is sent to it in them). */
  sgrMouse: () => boolean;
}

/**
 * One screen follower per live interactive task shown: PTY output is parsed into its
 * own headless terminal as it arrives (off the render path), and the pane is only
 * marked dirty; the frame clock draws it.
 */
export class PaneSessions {
  private readonly sessions = new Map<string, PaneSession>();
  private readonly parser = new ParseScheduler();
  private selectedId: string | null = null;

  constructor(
    private readonly client: DaemonClient,
    /** The pane's screen changed: time to (schedule a) draw. */
    private readonly requestFrame: (taskId: string) => void,
    private readonly log: Log,
  ) {}

  get(taskId: string): PaneSession | undefined {
    return this.sessions.get(taskId);
  }

  /** The selected pane's output is parsed at once; the others' within a budget (ParseScheduler). */
  select(taskId: string | null): void {
    this.selectedId = taskId;
    this.parser.select((taskId && this.sessions.get(taskId)?.follower?.feed) || null);
  }

  /** Starts followers for new panes at their tile size, resizes changed ones, drops gone ones. */
  sync(wanted: Map<string, { cols: number; rows: number }>): void {
    for (const [taskId, session] of this.sessions)
      if (!wanted.has(taskId)) {
        session.follower?.dispose();
        this.sessions.delete(taskId);
      }
    for (const [taskId, size] of wanted) {
      const session = this.sessions.get(taskId);
      if (!session) this.start(taskId, size);
      else if (session.follower && !session.exited && (session.requested?.cols !== size.cols || session.requested?.rows !== size.rows)) {
        session.requested = size;
        session.follower.resize(size.cols, size.rows);
      }
    }
  }

  private start(taskId: string, size: { cols: number; rows: number }): void {
    const session: PaneSession = { taskId, follower: null, dirty: true, exited: false, drawnAt: 0, requested: size, pushed: 0, sgrMouse: () => true };
    this.sessions.set(taskId, session);
    const changed = () => {
      session.dirty = true;
      this.requestFrame(taskId);
    };
    ScreenFollower.start(this.client, {
      taskId, mode: 'control', cols: size.cols, rows: size.rows, scrollback: PANE_SCROLLBACK, onChange: changed, parser: this.parser,
      onExit: () => {
        session.exited = true;
        changed(); // the final screen is drawn once more
      },
    }).then(
      (follower) => {
        if (this.sessions.get(taskId) !== session) return follower.dispose();
        session.follower = follower;
        countHistoryPushes(follower.terminal, () => session.pushed++);
        session.sgrMouse = followSgrMouse(follower.terminal).sgr;
        if (this.selectedId === taskId) this.parser.select(follower.feed);
        changed();
      },
      (err: Error) => {
        this.log.write(`attach ${taskId}: ${err.message}`);
        session.exited = true;
        changed();
      },
    );
  }

  /** Lines each pane pushed into its history since the last call. */
  takePushed(taskIds: Iterable<string>): Record<string, number> | null {
    let out: Record<string, number> | null = null;
    for (const id of taskIds) {
      const session = this.sessions.get(id);
      if (session?.pushed) [(out ??= {})[id], session.pushed] = [session.pushed, 0];
    }
    return out;
  }

  /**
   * A wheel notch over a pane: sent to its program when it reads the mouse or runs full
   * screen (see wheelInput); false when the pane scrolls its own history instead.
   */
  wheel(taskId: string, up: boolean, cell: { col: number; row: number } | null): boolean {
    const session = this.sessions.get(taskId);
    const term = session?.follower?.terminal;
    if (!session || !term || !cell || session.exited) return false;
    const data = wheelInput(term, session.sgrMouse(), up, cell.col, cell.row);
    if (data === null) return false;
    this.input(taskId, data);
    return true;
  }

  input(taskId: string, data: string): void {
    const follower = this.sessions.get(taskId)?.follower;
    // Keys typed before the pane's attach completes still reach the task (same connection, same order).
    if (follower) follower.input(data);
    else void this.client.request('input', { task_id: taskId, data }).catch((err: Error) => this.log.write(`input ${taskId}: ${err.message}`));
    this.parser.typing(TYPING_PRIORITY_MS);
  }

  dispose(): void {
    for (const s of this.sessions.values()) s.follower?.dispose();
    this.sessions.clear();
    this.parser.dispose();
  }
}
