import { lstatSync, mkdirSync } from 'node:fs';

/**
 * Group and other permission bits. A socket directory with any of them set could let
 * another local user put a socket of their own where clients look for the daemon's
 * (and read every prompt sent to it), so none is allowed, as tmux and git's credential
 * cache do for theirs.
 */
const SHARED_BITS = 0o077;

/**
 * Why `dir` must not hold the daemon's socket, or null when it is safe (or absent: then
 * no daemon listens in it and the daemon creates it). Safe means what tmux asks of
 * /tmp/tmux-UID: a real directory (lstat: a symlink could point anywhere), owned by
 * this user, with no group or other permissions. Checked before listening and before
 * connecting: in a shared temp dir the name is predictable, so anyone could create it first.
 */
export function socketDirProblem(dir: string): string | null {
  const st = lstatSync(dir, { throwIfNoEntry: false });
  if (!st) return null;
  const where = `the daemon's socket directory ${dir}`;
  const remove = `remove it (rm -r ${dir}) and run the command again`;
  if (st.isSymbolicLink()) return `${where} is a symlink, not a directory of yours; refusing to use it: ${remove}`;
  if (!st.isDirectory()) return `${where} is not a directory; refusing to use it: ${remove}`;
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid)
    return `${where} belongs to uid ${st.uid}, not to you (uid ${uid}); refusing to use it: ask its owner or root to ${remove}`;
  if (st.mode & SHARED_BITS)
    return `${where} is open to other users (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}); refusing to use it: chmod 700 ${dir} if only you could have written to it, else ${remove}`;
  return null;
}

/** Creates `dir` private (0700) if missing, then checks it; returns why it cannot be used, or null. */
export function prepareSocketDir(dir: string): string | null {
  try {
    // Not recursive: the parent is $XDG_RUNTIME_DIR or the temp dir, which must already exist.
    mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST') return `cannot create the daemon's socket directory ${dir}: ${code ?? (err as Error).message} (check $XDG_RUNTIME_DIR and the temp dir)`;
  }
  return socketDirProblem(dir);
}
