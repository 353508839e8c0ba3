import { execFile } from 'node:child_process';

/** How long a directory's git state is reused: tasks started together share one lookup. */
const CACHE_MS = 2_000;
const GIT_TIMEOUT_MS = 5_000;

export interface GitState {
  head: string;
  dirty: boolean;
}

const cache = new Map<string, { at: number; state: Promise<GitState | null>; settled?: GitState | null }>();

/** HEAD and dirty flag of the repository holding `cwd`; null outside a repository or without git. */
export function gitState(cwd: string): Promise<GitState | null> {
  const hit = cache.get(cwd);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.state;
  const entry: { at: number; state: Promise<GitState | null>; settled?: GitState | null } = { at: Date.now(), state: lookup(cwd) };
  void entry.state.then((settled) => (entry.settled = settled));
  cache.set(cwd, entry);
  return entry.state;
}

/**
 * The state of `cwd` if a lookup has finished within the cache window, without waiting:
 * the task record then carries it from its first write. Undefined when not known yet.
 */
export function knownGitState(cwd: string): GitState | null | undefined {
  const hit = cache.get(cwd);
  return hit && Date.now() - hit.at < CACHE_MS ? hit.settled : undefined;
}

async function lookup(cwd: string): Promise<GitState | null> {
  const head = await git(cwd, ['rev-parse', 'HEAD']);
  if (head === null) return null;
  const status = await git(cwd, ['status', '--porcelain', '--untracked-files=no']);
  return { head: head.trim(), dirty: status !== null && status.trim().length > 0 };
}

function git(cwd: string, args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, timeout: GIT_TIMEOUT_MS, maxBuffer: 16 << 20 }, (err, stdout) => resolve(err ? null : stdout));
  });
}
