import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** Unix socket paths are limited to 107 bytes on Linux (sun_path, NUL included). */
const MAX_SOCKET_PATH = 107;

export interface WorkspacePaths {
  root: string;
  toolsFile: string;
  panesDir: string;
  runsDir: string;
  stateDir: string;
  socket: string;
  /** The private per-user directory holding `socket` when `.lacp/` was too deep for it; null when local. */
  socketDir: string | null;
  pidFile: string;
  lockFile: string;
  logFile: string;
}

/** `--workspace DIR`, else `$LACP_WORKSPACE`, else the current directory. */
export function resolveWorkspace(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(flag ?? env.LACP_WORKSPACE ?? process.cwd());
}

/**
 * Why `root` cannot be a workspace, or null when it can. A mistyped `--workspace` must
 * not quietly become a new workspace with a daemon of its own.
 */
export function workspaceProblem(root: string): string | null {
  const stat = statSync(root, { throwIfNoEntry: false });
  if (!stat) return `workspace ${root} does not exist (create it, or give --workspace an existing directory)`;
  if (!stat.isDirectory()) return `workspace ${root} is not a directory`;
  return null;
}

export function workspacePaths(root: string, env: NodeJS.ProcessEnv = process.env): WorkspacePaths {
  const stateDir = join(root, '.lacp');
  const socket = socketPath(root, stateDir, env);
  return {
    root,
    toolsFile: join(root, 'tools.yaml'),
    panesDir: join(root, 'panes'),
    runsDir: join(root, 'runs'),
    stateDir,
    socket,
    socketDir: socket.startsWith(`${stateDir}/`) ? null : dirname(socket),
    pidFile: join(stateDir, 'daemon.pid'),
    lockFile: join(stateDir, 'daemon.lock'),
    logFile: join(stateDir, 'daemon.log'),
  };
}

/**
 * `.lacp/daemon.sock` when it fits in sun_path, else `<base>/lacp-<uid>/lacp-<hash>.sock` with
 * base `$XDG_RUNTIME_DIR` or the temp dir. The per-user directory (0700, checked by
 * socket-dir.ts before every listen and connect, as tmux does with /tmp/tmux-UID) keeps
 * another local user from listening at the predictable name first and reading what is sent.
 */
function socketPath(root: string, stateDir: string, env: NodeJS.ProcessEnv): string {
  const local = join(stateDir, 'daemon.sock');
  if (Buffer.byteLength(local) < MAX_SOCKET_PATH) return local;
  const key = createHash('sha256').update(root).digest('hex').slice(0, 16);
  const user = process.getuid?.() ?? 'user';
  return join(env.XDG_RUNTIME_DIR || tmpdir(), `lacp-${user}`, `lacp-${key}.sock`);
}
