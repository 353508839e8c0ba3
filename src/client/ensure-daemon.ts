import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { TASK_MARKER_VAR } from '../runner/process-tree.js';
import type { WorkspacePaths } from '../workspace/workspace-paths.js';
import { socketDirProblem } from '../workspace/socket-dir.js';
import { DaemonClient } from './daemon-client.js';
import { connectAndGreet, handshakeTimeoutMs } from './daemon-handshake.js';

/** How long a freshly started daemon may take to answer before we give up. */
const START_TIMEOUT_MS = 10_000;
/** Pause between connection attempts while it starts: there is no event to wait for across processes. */
const CONNECT_RETRY_MS = 20;

const DAEMON_ENTRY = fileURLToPath(new URL('../daemon/daemon-main.js', import.meta.url));

/**
 * The daemon cannot be reached: 3 (the contract's "daemon unreachable"), or 2 when
 * reaching it would be unsafe (its socket directory is not private), which the user must fix.
 */
export class DaemonUnreachable extends Error {
  constructor(
    message: string,
    readonly exitCode: 2 | 3 = 3,
  ) {
    super(message);
  }
}

/**
 * Connects to the workspace daemon if one listens; null if none does. Throws
 * DaemonUnreachable when the socket directory is unsafe, or when something accepts the
 * connection but does not answer the handshake in time (a stopped or hung daemon:
 * the kernel queues connections for it, so without a deadline every command would hang).
 */
export async function tryConnect(paths: WorkspacePaths): Promise<DaemonClient | null> {
  const unsafe = paths.socketDir ? socketDirProblem(paths.socketDir) : null;
  if (unsafe) throw new DaemonUnreachable(unsafe, 2);
  const answer = await connectAndGreet(paths.socket, handshakeTimeoutMs());
  if (answer === 'timeout') {
    const pid = readPid(paths.pidFile) ?? 'unknown';
    throw new DaemonUnreachable(
      `the daemon (pid ${pid}) is not answering (stopped or hung) on ${paths.socket}; ` +
        `kill -CONT ${pid} if it was stopped, else kill -KILL ${pid} and run the command again`,
    );
  }
  return answer;
}

/** Connects to the workspace daemon, starting it in the background if none answers. */
export async function ensureDaemon(paths: WorkspacePaths): Promise<DaemonClient> {
  const existing = await tryConnect(paths);
  if (existing) return existing;
  let child: ReturnType<typeof startDaemonProcess>;
  try {
    child = startDaemonProcess(paths);
  } catch (err) {
    // e.g. .lacp/ cannot be created: not startable, which the CLI reports as exit 3.
    throw new DaemonUnreachable(`cannot start the workspace daemon for ${paths.root}: ${(err as Error).message}`);
  }
  const deadline = Date.now() + START_TIMEOUT_MS;
  let exitCode: number | null = null;
  child.once('error', () => (exitCode = 1));
  child.once('exit', (code) => (exitCode = code ?? 1));
  while (Date.now() < deadline) {
    const client = await tryConnect(paths);
    if (client) {
      await stopIfLoser(client, child, exitCode);
      return client;
    }
    // A daemon that lost the start race exits 0 and the winner answers soon; any other exit is a failure.
    if (exitCode !== null && exitCode !== 0) break;
    await delay(CONNECT_RETRY_MS);
  }
  throw new DaemonUnreachable(
    `cannot start the workspace daemon for ${paths.root} (see ${paths.logFile})`,
  );
}

/**
 * Another starter's daemon answered: ours lost the race. If it is still booting it
 * could take the lock later, after the winner has stopped, and serve a workspace
 * nobody asked it to; it is stopped now, before it holds anything.
 */
async function stopIfLoser(client: DaemonClient, child: ReturnType<typeof startDaemonProcess>, exitCode: number | null): Promise<void> {
  if (exitCode !== null || child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  try {
    const { pid } = await client.request<{ pid: number }>('status');
    if (pid !== child.pid) child.kill('SIGKILL');
  } catch {
    // the winner went away meanwhile; the caller will find out
  }
}

function readPid(file: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

export function startDaemonProcess(paths: WorkspacePaths) {
  mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
  // The daemon must not carry a task's marker, or cancelling that task would sweep the daemon away.
  const env = { ...process.env };
  delete env[TASK_MARKER_VAR];
  const child = spawn(process.execPath, [DAEMON_ENTRY, '--workspace', paths.root], {
    detached: true,
    stdio: 'ignore',
    env,
    cwd: paths.root,
  });
  child.unref();
  return child;
}
