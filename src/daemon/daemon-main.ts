import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { resolveWorkspace, workspacePaths, type WorkspacePaths } from '../workspace/workspace-paths.js';
import { acquireLock, type LockResult, safeUnlink } from './daemon-lock.js';

type HeldLock = Extract<LockResult, { acquired: true }>;
import { DaemonLog } from './daemon-log.js';
import { Daemon } from './daemon.js';
import { recoverLostTasks } from './crash-recovery.js';
import { daemonHandlers } from './handlers.js';
import { MirrorService } from '../mirror/mirror-service.js';
import { SocketServer } from './socket-server.js';
import { prepareSocketDir } from '../workspace/socket-dir.js';
import { RequestError } from '../core/protocol.js';
import { IndexWatcher } from '../index-db/index-watcher.js';

/** How often the daemon checks that its workspace still exists. */
const WORKSPACE_CHECK_MS = 10_000;

/**
 * Runs the workspace daemon in this process until `stop` or a signal. Returns the
 * process exit code: 0 after a clean stop, or when another daemon already owns the
 * workspace (the caller then talks to that one).
 */
export async function runDaemon(workspaceFlag: string | undefined): Promise<number> {
  const paths = workspacePaths(resolveWorkspace(workspaceFlag));
  mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
  const log = new DaemonLog(paths.logFile);
  // A fallback socket outside .lacp/ goes in a private directory, checked before anything is unlinked or bound there.
  const unsafe = paths.socketDir ? prepareSocketDir(paths.socketDir) : null;
  if (unsafe) {
    log.error(`cannot start: ${unsafe}`);
    process.stderr.write(`lacp: ${unsafe}\n`);
    return 2;
  }
  const lock = acquireLock(paths.lockFile);
  if (!lock.acquired) {
    log.info(`daemon ${process.pid}: workspace already served by pid ${lock.owner.pid}`);
    return 0;
  }
  try {
    return await serve(paths, log, lock);
  } catch (err) {
    // The client that started this daemon only sees that it never answered: the reason goes to its log.
    log.error('cannot start:', err);
    lock.release();
    throw err;
  }
}

async function serve(paths: WorkspacePaths, log: DaemonLog, lock: HeldLock): Promise<number> {
  // We hold the lock, so a socket or pid file still there belongs to a dead daemon.
  safeUnlink(paths.socket);
  let daemon: Daemon;
  try {
    daemon = new Daemon(paths, log);
  } catch (err) {
    if (!(err instanceof RequestError)) throw err;
    lock.release();
    log.error(`cannot start: ${err.message}`);
    process.stderr.write(`lacp: ${err.message}\n`);
    return 2;
  }
  const lost = await recoverLostTasks(daemon.runs, (draft, opts) => daemon.emit(draft, opts), (m) => log.warn(m));
  if (lost) log.warn(`recovered ${lost} task(s) of a daemon that died`);
  // runs/index.sqlite follows what this daemon writes and runs copied in; null (logged) when SQLite cannot load.
  const indexer = await IndexWatcher.start(paths.runsDir, log, (listener) => daemon.onEvent(listener));

  let stopping: Promise<void> | null = null;
  let resolveExit!: (code: number) => void;
  const exited = new Promise<number>((r) => (resolveExit = r));
  const stop = () => {
    stopping ??= (async () => {
      log.info('stopping');
      await daemon.shutdown();
      await mirror.close();
      await indexer?.dispose();
      await server.close();
      safeUnlink(paths.socket);
      safeUnlink(paths.pidFile);
      lock.release();
      log.info('stopped');
      resolveExit(0);
    })();
  };
  const mirror = new MirrorService(daemon, paths.root, paths.stateDir, log);
  const server = new SocketServer(daemonHandlers(daemon, stop, mirror), log);
  await server.listen(paths.socket);
  await mirror.resume();
  writeFileSync(paths.pidFile, `${process.pid}\n`);
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, stop);
  // A workspace deleted under the daemon (rm -rf of a scratch directory) leaves nothing to serve.
  setInterval(() => {
    if (!existsSync(paths.root)) stop();
  }, WORKSPACE_CHECK_MS).unref();
  process.on('uncaughtException', (err) => log.error('uncaught exception', err));
  process.on('unhandledRejection', (err) => log.error('unhandled rejection', err));
  log.info(`daemon ${process.pid} serving ${paths.root} on ${paths.socket}`);
  return exited;
}

const isEntry = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isEntry) {
  const { values } = parseArgs({ options: { workspace: { type: 'string' } }, strict: false });
  runDaemon(values.workspace as string | undefined).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`lacp daemon: ${(err as Error)?.message ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
