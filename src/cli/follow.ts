import { closeSync, openSync, readSync, statSync } from 'node:fs';

/** How often a followed file is checked for growth: a person watching does not notice 100 ms. */
export const FOLLOW_POLL_MS = 100;

/** Reads the bytes a file gained since `offset` (none if it does not exist yet). */
export function readFrom(file: string, offset: number): { bytes: Buffer; offset: number } {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return { bytes: Buffer.alloc(0), offset };
  }
  if (size <= offset) return { bytes: Buffer.alloc(0), offset };
  const fd = openSync(file, 'r');
  try {
    const bytes = Buffer.alloc(size - offset);
    let got = 0;
    while (got < bytes.length) {
      const n = readSync(fd, bytes, got, bytes.length - got, offset + got);
      if (n === 0) break;
      got += n;
    }
    return { bytes: bytes.subarray(0, got), offset: offset + got };
  } finally {
    closeSync(fd);
  }
}

/** Calls `tick` every FOLLOW_POLL_MS until it returns true or the user interrupts; a tick that throws ends it with that error. */
export function pollUntil(tick: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    if (tick()) return resolve();
    const timer = setInterval(() => {
      try {
        if (tick()) done();
      } catch (err) {
        stop();
        reject(err); // the command's one line, not an uncaught exception's stack
      }
    }, FOLLOW_POLL_MS);
    const stop = () => {
      clearInterval(timer);
      process.off('SIGINT', done);
    };
    const done = () => {
      stop();
      resolve();
    };
    process.once('SIGINT', done);
  });
}
