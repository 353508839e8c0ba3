import type { WebSocket } from 'ws';
import type { ScreenPush } from '../core/protocol.js';
import type { AttachOptions, Attachment } from '../pty/pty-session.js';
import type { LogLine, MirrorModel, RunView, TaskView } from './mirror-model.js';
import { ViewerSafeStream, viewerSafe } from './viewer-safe-stream.js';
import { parseViewerAck, type ViewerMessage } from './wire.js';

/** Terminal panes one viewer shows at most: a second screen, not a wall of tiles. */
export const MAX_PANES = 8;
/**
 * History above each pane's screen sent with its snapshot, so a late viewer can scroll
 * back: as many lines as the page's terminals keep (mirror-page.js), since the daemon
 * skips output that would scroll out of what its clients keep.
 */
const PANE_SCROLLBACK = 1000;
/** Bytes queued in the socket past which the viewer is too slow and is dropped (it reconnects and resyncs). */
export const SEND_BUFFER_CAP = 4 << 20;
/** Pane characters sent but not yet drawn by the page, past which the page is too slow to keep. */
export const UNACKED_CAP = 2_000_000;
/**
 * How long a viewer may stay past a cap before it is dropped: a browser (or a test
 * client on a busy machine) starved for a moment catches up; one that does not, goes.
 * Past four times a cap it goes at once, so the grace cannot grow memory much.
 */
const SLOW_GRACE_MS = 2_000;
const HARD_FACTOR = 4;

/** The part of the daemon a viewer needs: screens, as socket clients get them. */
export interface ScreenSource {
  attachScreen(taskId: string, opts: AttachOptions, push: (m: ScreenPush) => void, drop: (reason: string) => void): Promise<Attachment>;
}

interface Pane {
  task: TaskView;
  attachment: Attachment | null;
  /** Pushes that came before the snapshot went out: sent right after it, in order. */
  early: ScreenPush[] | null;
  filter: ViewerSafeStream;
  exited: boolean;
}

/**
 * One browser viewer. It gets the tree, the log and a screen per interactive task;
 * what it sends is read only for acknowledgements. Pane data is acknowledged to the
 * daemon as soon as it is handed to the socket, so a browser never holds a task
 * back: a viewer that falls behind is dropped instead, and catches up on reconnect.
 */
export class ViewerSession {
  private readonly panes = new Map<string, Pane>();
  private unacked = 0;
  private slowSince: number | null = null;
  private paceTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private model: MirrorModel | null = null;

  constructor(
    private readonly ws: WebSocket,
    private readonly source: ScreenSource,
    private readonly onGone: (session: ViewerSession) => void,
  ) {
    ws.on('message', (raw, isBinary) => this.receive(raw.toString(), isBinary));
    ws.on('close', () => this.dispose());
    ws.on('error', () => this.dispose());
  }

  start(model: MirrorModel, workspace: string): void {
    this.model = model;
    const now = new Date().toISOString();
    this.send({ t: 'hello', workspace, now });
    this.send({ t: 'tree', runs: model.tree(), now });
    this.send({ t: 'log', lines: model.recentLog(), reset: true });
    for (const task of model.interactiveTasks().slice(0, MAX_PANES)) this.openPane(task);
  }

  sendTree(runs: RunView[], now: string): void {
    this.send({ t: 'tree', runs, now });
  }

  sendLog(lines: LogLine[]): void {
    this.send({ t: 'log', lines, reset: false });
  }

  /** A task's terminal, snapshot first, then its stream. Panes of ended tasks make room for new ones. */
  openPane(task: TaskView): void {
    if (this.closed || this.panes.has(task.task_id)) return;
    if (this.panes.size >= MAX_PANES) {
      const oldestEnded = [...this.panes.values()].find((p) => p.exited);
      if (!oldestEnded) return;
      this.closePane(oldestEnded.task.task_id);
    }
    const pane: Pane = { task, attachment: null, early: [], filter: new ViewerSafeStream(), exited: false };
    this.panes.set(task.task_id, pane);
    const opts: AttachOptions = { mode: 'view', cols: null, rows: null, scrollback: PANE_SCROLLBACK };
    // A task of an earlier daemon has no terminal here: attachScreen throws at once, which must not escape.
    new Promise<Attachment>((resolve) => resolve(this.source.attachScreen(task.task_id, opts, (m) => this.push(pane, m), () => this.reopen(pane))))
      .then(
        (attachment) => {
          if (this.closed || this.panes.get(task.task_id) !== pane) {
            attachment.detach();
            return;
          }
          pane.attachment = attachment;
          pane.exited = attachment.result.exited;
          const { cols, rows, snapshot, exited } = attachment.result;
          const title = task.title ?? task.tool;
          this.send({ t: 'pane', task_id: task.task_id, title, cols, rows, snapshot: viewerSafe(snapshot), exited });
          const early = pane.early ?? [];
          pane.early = null;
          for (const m of early) this.push(pane, m);
        },
        // Not this daemon's task (read from an earlier run) or its terminal is gone: no pane.
        () => this.panes.delete(task.task_id),
      );
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.ws.close(code, reason);
    this.dispose();
  }

  /** Cuts a viewer off at once: its queue is already too long for a polite close frame to matter. */
  private drop(): void {
    if (this.closed) return;
    this.ws.terminate();
    this.dispose();
  }

  private push(pane: Pane, m: ScreenPush): void {
    if (pane.early) {
      pane.early.push(m);
      return;
    }
    const taskId = pane.task.task_id;
    if (m.kind === 'data') {
      pane.attachment!.ack(m.data.length);
      const data = pane.filter.write(m.data);
      this.unacked += data.length;
      if (data) this.send({ t: 'data', task_id: taskId, data });
    } else if (m.kind === 'resize') this.send({ t: 'resize', task_id: taskId, cols: m.cols, rows: m.rows });
    else if (m.kind === 'exit') {
      pane.exited = true;
      this.send({ t: 'exit', task_id: taskId, exit_code: m.exit_code, signal: m.signal });
      this.fillRoom();
    }
  }

  /** A pane whose task ended makes room: a live task that found every pane taken gets it now. */
  private fillRoom(): void {
    const waiting = this.model?.interactiveTasks().find((t) => t.status === 'running' && !this.panes.has(t.task_id));
    if (waiting) this.openPane(waiting);
  }

  /** The daemon dropped this screen (it should not: we acknowledge at once): start it over from a snapshot. */
  private reopen(pane: Pane): void {
    if (this.panes.get(pane.task.task_id) !== pane) return;
    this.panes.delete(pane.task.task_id);
    this.openPane(pane.task);
  }

  private closePane(taskId: string): void {
    this.panes.get(taskId)?.attachment?.detach();
    this.panes.delete(taskId);
    this.send({ t: 'unpane', task_id: taskId });
  }

  private receive(raw: string, isBinary: boolean): void {
    if (isBinary) return;
    const ack = parseViewerAck(raw);
    if (ack) this.unacked = Math.max(0, this.unacked - ack.chars);
  }

  private send(message: ViewerMessage): void {
    if (this.closed) return;
    this.ws.send(JSON.stringify(message));
    this.judgePace();
  }

  /** Drops a viewer that stays behind past the grace, or falls far behind at once. */
  private judgePace(): void {
    if (this.closed) return;
    const buffered = this.ws.bufferedAmount;
    if (buffered > SEND_BUFFER_CAP * HARD_FACTOR || this.unacked > UNACKED_CAP * HARD_FACTOR) return this.drop();
    if (buffered <= SEND_BUFFER_CAP && this.unacked <= UNACKED_CAP) {
      this.slowSince = null;
      return;
    }
    this.slowSince ??= Date.now();
    if (Date.now() - this.slowSince > SLOW_GRACE_MS) return this.drop();
    // Judged again when the grace ends, even if nothing more is sent by then.
    this.paceTimer ??= setTimeout(() => {
      this.paceTimer = null;
      this.judgePace();
    }, SLOW_GRACE_MS + 50);
  }

  private dispose(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.paceTimer) clearTimeout(this.paceTimer);
    for (const pane of this.panes.values()) pane.attachment?.detach();
    this.panes.clear();
    this.onGone(this);
  }
}
