import { closeSync, constants, openSync, readFileSync } from 'node:fs';
import type { IPty } from 'node-pty';

/**
 * Output-free time after the child's exit that means everything it wrote has been read.
 * The check runs after the event loop's poll phase, so bytes already in the PTY are read
 * first whatever the wait; the wait covers the kernel moving the last write into the
 * master's buffer, which takes microseconds.
 */
const QUIET_MS = 10;
/** After we let go of the slave, how long a leftover holder (a background job) may keep the PTY open. */
const RELEASE_LIMIT_MS = 500;
/**
 * Held PTYs' children are checked for having exited at every SIGCHLD, and every this
 * often in case one is missed (signals of one kind coalesce). node-pty itself only
 * notices 200 ms after the exit (its socket-destroy timer, with the slave held open):
 * checking sooner ends an interactive task that much faster.
 */
const EXIT_POLL_MS = 20;

const watched = new Set<ExitDrain>();
let poller: NodeJS.Timeout | null = null;

function poll(): void {
  for (const d of watched) d.checkReaped();
}

function onChildExit(): void {
  for (const d of watched) d.checkExited();
}

function watch(drain: ExitDrain): void {
  watched.add(drain);
  if (poller) return;
  poller = setInterval(poll, EXIT_POLL_MS);
  poller.unref();
  process.on('SIGCHLD', onChildExit); // a signal listener does not keep the process alive
}

function unwatch(drain: ExitDrain): void {
  watched.delete(drain);
  if (watched.size === 0 && poller) {
    clearInterval(poller);
    poller = null;
    process.off('SIGCHLD', onChildExit);
  }
}

function isReaped(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

/** Reaped, or a zombie: at SIGCHLD node-pty's thread may not have reaped it yet, and a zombie still answers `kill(pid, 0)`. */
function hasExited(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const state = stat[stat.lastIndexOf(')') + 2];
    return state === 'Z' || state === 'X';
  } catch {
    return isReaped(pid);
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

  /** At a SIGCHLD (any child's): has this child exited? Then what it wrote is all in the PTY. */
  checkExited(): void {
    if (hasExited(this.pid)) this.startDrain();
  }

  /** Polled, the cheap way (one system call): node-pty's thread has reaped the child. */
  checkReaped(): void {
    if (isReaped(this.pid)) this.startDrain();
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
