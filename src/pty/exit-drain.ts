import { closeSync, constants, openSync } from 'node:fs';
import type { IPty } from 'node-pty';

/** Output-free time after the child's exit that means everything it wrote has been read. */
const QUIET_MS = 30;
/** After we let go of the slave, how long a leftover holder (a background job) may keep the PTY open. */
const RELEASE_LIMIT_MS = 500;
/**
 * How often held PTYs' children are checked for having exited. node-pty itself
 * only notices 200 ms after the exit (its socket-destroy timer, with the slave held
 * open): checking sooner ends an interactive task that much faster.
 */
const EXIT_POLL_MS = 20;

const watched = new Set<ExitDrain>();
let poller: NodeJS.Timeout | null = null;

function watch(drain: ExitDrain): void {
  watched.add(drain);
  poller ??= setInterval(() => {
    for (const d of watched) d.checkExited();
  }, EXIT_POLL_MS);
  poller.unref();
}

function unwatch(drain: ExitDrain): void {
  watched.delete(drain);
  if (watched.size === 0 && poller) {
    clearInterval(poller);
    poller = null;
  }
}

/** node-pty's private fields this relies on (stable across 1.x; checked at run time). */
interface NodePtyInternals {
  _pty?: string;
  _socket?: { destroy: (...args: unknown[]) => unknown };
}

/**
 * Keeps the last bytes of a PTY whose program exits right after writing them.
 *
 * Linux can answer the master's read with EIO while the final bytes are still in
 * flight once the slave's last holder is gone, and node-pty destroys the socket
 * 200 ms after the exit whatever is unread: a busy reader loses the tail. So lacp
 * holds its own slave descriptor: the master never sees the slave closed while the
 * child's output is pending. When node-pty, seeing the exit, would destroy the
 * socket, we instead wait until the stream has been quiet (checked after the poll
 * phase, so unread data is read first), then release the slave; EIO follows the
 * last byte, and node-pty reports the exit.
 */
export class ExitDrain {
  private slaveFd: number | null = null;
  private lastDataAt = Date.now();
  private releaseTimer: NodeJS.Timeout | null = null;
  private draining = false;
  private destroy: (() => unknown) | null = null;
  private readonly pid: number;

  /** `isPaused`: flow control holds the reader back, so silence means nothing yet. */
  constructor(
    proc: IPty,
    private readonly isPaused: () => boolean,
  ) {
    this.pid = proc.pid;
    const internals = proc as unknown as NodePtyInternals;
    const socket = internals._socket;
    if (!internals._pty || !socket) return; // another node-pty: its own handling applies
    try {
      this.slaveFd = openSync(internals._pty, constants.O_RDWR | constants.O_NOCTTY);
    } catch {
      return;
    }
    const destroy = socket.destroy.bind(socket);
    this.destroy = destroy;
    socket.destroy = (...args: unknown[]) => {
      if (this.slaveFd === null) return destroy(...args);
      this.startDrain();
      return socket;
    };
    watch(this);
  }

  /** Polled: the child is gone (node-pty's thread reaped it), so what it wrote is all in the PTY. */
  checkExited(): void {
    try {
      process.kill(this.pid, 0);
    } catch {
      this.startDrain();
    }
  }

  private startDrain(): void {
    unwatch(this);
    if (this.draining || this.slaveFd === null || !this.destroy) return;
    this.draining = true;
    this.waitForQuiet(this.destroy);
  }

  /** Every chunk read: the stream is not quiet yet. */
  sawData(): void {
    this.lastDataAt = Date.now();
  }

  /** Lets go of the slave; safe to call more than once. */
  release(): void {
    unwatch(this);
    if (this.releaseTimer) clearTimeout(this.releaseTimer);
    this.releaseTimer = null;
    if (this.slaveFd === null) return;
    closeSync(this.slaveFd);
    this.slaveFd = null;
  }

  private waitForQuiet(destroy: () => unknown): void {
    setTimeout(
      () =>
        setImmediate(() => {
          if (this.slaveFd === null) return;
          if (this.isPaused() || Date.now() - this.lastDataAt < QUIET_MS) return this.waitForQuiet(destroy);
          this.release();
          // A background job still holding the slave would keep the PTY open forever.
          this.releaseTimer = setTimeout(destroy, RELEASE_LIMIT_MS);
        }),
      QUIET_MS,
    );
  }
}
