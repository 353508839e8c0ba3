import { constants, fstatSync, openSync, closeSync, readlinkSync, realpathSync, type Stats } from 'node:fs';
import { join, sep } from 'node:path';
import { RUN_ID_PATTERN } from '../core/ids.js';

export type RunFile = { ok: true; fd: number; stat: Stats; path: string } | { ok: false; status: 400 | 404; reason: string };

/**
 * Opens a file under runs/ named by the URL path after `/files/`
 * (`RUN_ID/tasks/TASK_ID/stdout.log`). Refused: `.` and `..` segments, encoded
 * slashes and NULs, anything outside a run directory, and any path whose real
 * location (symlinks followed) is not inside runs/, so a task cannot publish
 * ~/.ssh by leaving a symlink among its artifacts. Only regular files are served.
 */
export function openRunFile(runsDir: string, urlPath: string): RunFile {
  const segments: string[] = [];
  for (const raw of urlPath.split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return { ok: false, status: 400, reason: 'bad path encoding' };
    }
    if (segment === '' || segment === '.' || segment === '..' || /[/\\\0]/.test(segment)) return { ok: false, status: 400, reason: 'bad path' };
    segments.push(segment);
  }
  if (segments.length < 2 || !RUN_ID_PATTERN.test(segments[0]!)) return { ok: false, status: 404, reason: 'not a file of a run' };

  let root: string;
  let real: string;
  try {
    root = realpathSync(runsDir);
    real = realpathSync(join(runsDir, ...segments));
  } catch {
    return { ok: false, status: 404, reason: 'no such file' };
  }
  if (!real.startsWith(root + sep)) return { ok: false, status: 404, reason: 'outside the run directories' };

  let fd: number;
  try {
    // O_NOFOLLOW: the resolved path must not have become a symlink since we looked.
    fd = openSync(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return { ok: false, status: 404, reason: 'no such file' };
  }
  // A parent directory swapped for a symlink between the realpath and the open would
  // slip past both checks: ask the kernel where the open file really is.
  if (!openedInside(fd, root)) {
    closeSync(fd);
    return { ok: false, status: 404, reason: 'outside the run directories' };
  }
  const stat = fstatSync(fd);
  if (!stat.isFile()) {
    closeSync(fd);
    return { ok: false, status: 404, reason: 'not a regular file' };
  }
  return { ok: true, fd, stat, path: real };
}

function openedInside(fd: number, root: string): boolean {
  try {
    return readlinkSync(`/proc/self/fd/${fd}`).startsWith(root + sep);
  } catch {
    // No /proc (not Linux): the realpath check above is what there is.
    return true;
  }
}
