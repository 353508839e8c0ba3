import { accessSync, constants, lstatSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { currentUser, foreignOwner } from './path-owner.js';
import type { WorkspacePaths } from './workspace-paths.js';

/**
 * What lacp keeps in a workspace and why, for messages that say what is in the way.
 * Each must be a directory lacp may write in (or create).
 */
function layoutOf(paths: WorkspacePaths): { dir: string; holds: string }[] {
  return [
    { dir: paths.stateDir, holds: "its daemon's socket, pid and log" },
    { dir: paths.runsDir, holds: 'its runs' },
  ];
}

/**
 * Why the workspace's layout is unusable, or null: `runs` or `.lacp` exists but is not
 * a directory (a file, or a dangling link), so nothing can be written under it.
 */
export function workspaceLayoutProblem(paths: WorkspacePaths): string | null {
  for (const { dir, holds } of layoutOf(paths)) {
    const problem = notDirectoryProblem(dir, holds);
    if (problem) return problem;
  }
  return null;
}

function notDirectoryProblem(dir: string, holds: string): string | null {
  const link = lstatSync(dir, { throwIfNoEntry: false });
  if (!link) return null;
  const target = link.isSymbolicLink() ? statSync(dir, { throwIfNoEntry: false }) : link;
  if (target?.isDirectory()) return null;
  const what = !target ? 'a link to nothing' : 'a file, not a directory';
  return `${dir} is ${what} (lacp keeps ${holds} there); move it away and run the command again`;
}

/**
 * Why lacp could not write what it keeps in the workspace, or null: a directory that
 * exists must be writable; one that does not yet, creatable in its parent. Asked before
 * a daemon is started for it, so a read-only workspace is one clear line and not a daemon
 * that dies at birth. (access(2) answers for the real user: root may write anywhere but
 * on a read-only file system, and that is what lacp would meet too.)
 */
export function workspaceWriteProblem(paths: WorkspacePaths): string | null {
  for (const { dir, holds } of layoutOf(paths)) {
    const exists = statSync(dir, { throwIfNoEntry: false }) !== undefined;
    const problem = accessProblem(exists ? dir : dirname(dir), exists ? null : dir, holds);
    if (problem) return problem;
  }
  return null;
}

function accessProblem(writeIn: string, creating: string | null, holds: string): string | null {
  try {
    accessSync(writeIn, constants.W_OK | constants.X_OK);
    return null;
  } catch (err) {
    return cannotWrite(creating ?? writeIn, writeIn, (err as NodeJS.ErrnoException).code, holds);
  }
}

/** The one line for a directory lacp cannot write in: what failed, where, and what to do. */
function cannotWrite(target: string, dir: string, code: string | undefined, holds: string): string {
  const why = code === 'EROFS' ? 'read-only file system' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (code ?? 'failed');
  const action = target === dir ? `cannot write in ${dir}: ${why}` : `cannot create ${target}: ${why} in ${dir}`;
  const owner = code === 'EROFS' ? null : foreignOwner(dir);
  const fix =
    code === 'EROFS'
      ? 'use a workspace on a writable file system'
      : owner
        ? `${dir} belongs to ${owner}, not to ${currentUser()}: run lacp as its owner, or use another --workspace`
        : `make it writable (chmod u+w ${dir}) or use another --workspace`;
  return `${action} (lacp keeps ${holds} there); ${fix}`;
}

/**
 * An error creating something under the workspace as the one line to answer with, or
 * null when it is not about the workspace's directories (then it is a fault of lacp's).
 * For the daemon, which meets these only after it started (a workspace made read-only, or
 * `runs` replaced by a file, under a running daemon).
 */
export function workspaceWriteError(err: unknown, paths: WorkspacePaths): string | null {
  const e = err as NodeJS.ErrnoException;
  if (typeof e?.path !== 'string' || !e.path.startsWith(`${paths.root}/`)) return null;
  if (e.code === 'EEXIST' || e.code === 'ENOTDIR') return workspaceLayoutProblem(paths);
  if (e.code === 'EACCES' || e.code === 'EPERM' || e.code === 'EROFS') {
    const holds = e.path.startsWith(paths.stateDir) ? "its daemon's socket, pid and log" : 'its runs';
    return cannotWrite(e.path, dirname(e.path), e.code, holds);
  }
  return null;
}
