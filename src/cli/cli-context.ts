import type { DaemonClient } from '../client/daemon-client.js';
import { ConfigError } from '../config/config-error.js';
import type { LoadedTools } from '../config/load-tools.js';
import { workspaceLayoutProblem, workspaceWriteProblem } from '../workspace/workspace-layout.js';
import { resolveWorkspace, workspacePaths, workspaceProblem, type WorkspacePaths } from '../workspace/workspace-paths.js';
import { CliError, EXIT_UNREACHABLE, EXIT_USAGE } from './cli-error.js';

/** What a listing says when the workspace has no run at all (`lacp ls`, `lacp events`). */
export const NO_RUNS_LINE = 'no runs yet (lacp run TOOL starts one)';

/**
 * What every command gets: the workspace, and ways to reach its daemon and config.
 * The daemon client and the tools.yaml loader are imported only when a command asks
 * for them: with zod and yaml they cost a read-only command (`lacp ls`) ~150 ms of startup.
 */
export class CliContext {
  readonly paths: WorkspacePaths;
  private client: DaemonClient | null = null;

  constructor(
    workspaceFlag: string | undefined,
    readonly out: NodeJS.WritableStream = process.stdout,
  ) {
    const root = resolveWorkspace(workspaceFlag);
    const problem = workspaceProblem(root);
    if (problem) throw new CliError(problem, EXIT_USAGE);
    this.paths = workspacePaths(root);
    // `runs` or `.lacp` as a file breaks reading and writing alike: every command says so.
    const layout = workspaceLayoutProblem(this.paths);
    if (layout) throw new CliError(layout, EXIT_USAGE);
  }

  print(line: string): void {
    this.out.write(`${line}\n`);
  }

  /** Many lines in one write: stdout to a file or pipe is a system call per write (1,300 lines of `ls`: ~12 ms). */
  printAll(lines: readonly string[]): void {
    if (lines.length) this.out.write(`${lines.join('\n')}\n`);
  }

  /** Loads tools.yaml the way the daemon will, so bad config fails here with its line and column. */
  async tools(): Promise<LoadedTools> {
    const { loadToolsFile } = await import('../config/load-tools.js');
    try {
      return loadToolsFile(this.paths.toolsFile);
    } catch (err) {
      if (err instanceof ConfigError) throw new CliError(err.message, EXIT_USAGE, true);
      throw err;
    }
  }

  /** The daemon's connection if one answers now; never starts one. */
  daemonIfRunning(): Promise<DaemonClient | null> {
    return this.connect((m) => m.tryConnect(this.paths));
  }

  /**
   * The daemon's connection, starting the daemon when none answers. A workspace it could
   * not write in is the user's to fix (exit 2), said before a daemon is started to fail.
   */
  daemon(): Promise<DaemonClient> {
    return this.connect(async (m) => {
      const running = await m.tryConnect(this.paths);
      if (running) return running;
      const readOnly = workspaceWriteProblem(this.paths);
      if (readOnly) throw new CliError(readOnly, EXIT_USAGE);
      return m.ensureDaemon(this.paths);
    });
  }

  /** Connects once per command; an unreachable daemon becomes the CLI's one line and exit code. */
  private async connect<C extends DaemonClient | null>(how: (m: typeof import('../client/ensure-daemon.js')) => Promise<C>): Promise<C> {
    if (this.client) return this.client as C;
    const m = await import('../client/ensure-daemon.js');
    try {
      const client = await how(m);
      this.client = client;
      return client;
    } catch (err) {
      if (err instanceof m.DaemonUnreachable) throw new CliError(err.message, err.exitCode);
      throw err;
    }
  }

  /** A request whose error answer becomes the CLI's one line and exit code. */
  async call<T>(method: string, params: object = {}): Promise<T> {
    const client = await this.daemon();
    try {
      return await client.request<T>(method, params);
    } catch (err) {
      throw await this.cliErrorOf(err);
    }
  }

  /** A daemon request's error answer as the CLI's one line and exit code; any other error as it was. */
  async cliErrorOf(err: unknown): Promise<unknown> {
    const { DaemonError } = await import('../client/daemon-client.js');
    if (!(err instanceof DaemonError)) return err;
    return new CliError(err.message, err.code === 'disconnected' || err.code === 'internal' ? EXIT_UNREACHABLE : EXIT_USAGE, err.code === 'bad_config');
  }

  close(): void {
    this.client?.close();
    this.client = null;
  }
}
