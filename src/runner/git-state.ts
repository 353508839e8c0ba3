import { execFile } from 'node:child_process';

/** How long a directory's git state is reused: tasks started together share one lookup. */
const CACHE_MS = 2_000;
const GIT_TIMEOUT_MS = 5_000;

export interface GitState {
  head: string;
  dirty: boolean;
}

const cache = new Map<string, { at: number; state: Promise<GitState | null> }>();

/** HEAD and dirty flag of the repository holding `cwd`; null outside a repository or without git. */
export function gitState(cwd: string): Promise<GitState | null> {
  const hit = cache.get(cwd);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.state;
  const state = lookup(cwd);
  cache.set(cwd, { at: Date.now(), state });
  return state;
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
