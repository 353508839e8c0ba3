import { setTimeout as delay } from 'node:timers/promises';
import { readProc } from '../../runner/proc-table.js';
import { runDaemon } from '../../daemon/daemon-main.js';
import { formatDuration } from '../../core/task-view.js';
import { workspaceWriteProblem } from '../../workspace/workspace-layout.js';
import { parse } from '../args.js';
import { CliContext } from '../cli-context.js';
import { CliError, EXIT_UNREACHABLE } from '../cli-error.js';

export const DAEMON_HELP = `lacp daemon start [--foreground] | stop | status
  The workspace's task runner. stop cancels running tasks first (the same escalation as cancel).`;

/** How long `stop` waits for the daemon process to be gone after it closed the connection. */
const EXIT_WAIT_MS = 10_000;
/** Between checks of that: there is no event to wait for on another process's exit. */
const EXIT_POLL_MS = 20;

function isRunning(pid: number): boolean {
  const info = readProc(pid);
  return info !== null && info.state !== 'Z';
}

interface Status {
  pid: number;
  workspace: string;
  version: string;
  uptime_ms: number;
  running: number;
  queued: number;
}

export async function daemonCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('daemon', argv, { foreground: { type: 'boolean' } });
  const [action, ...extra] = positionals;
  if (!action || extra.length) throw new CliError('lacp daemon: expected start, stop or status');
  const ctx = new CliContext(values.workspace);
  const show = (s: Status, prefix: string) =>
    ctx.print(values.json ? JSON.stringify(s) : `${prefix}: pid ${s.pid}, up ${formatDuration(s.uptime_ms)}, ${s.running} running, ${s.queued} queued (${s.workspace})`);
  switch (action) {
    case 'start': {
      if (values.foreground) {
        const running = await ctx.daemonIfRunning();
        if (running) {
          running.close();
          throw new CliError(`a daemon already serves ${ctx.paths.root} (lacp daemon stop first)`);
        }
        const readOnly = workspaceWriteProblem(ctx.paths);
        if (readOnly) throw new CliError(readOnly);
        return runDaemon(ctx.paths.root);
      }
      try {
        show(await ctx.call<Status>('status'), 'daemon running');
      } finally {
        ctx.close();
      }
      return 0;
    }
    case 'stop': {
      const client = await ctx.daemonIfRunning();
      if (!client) {
        ctx.print(values.json ? JSON.stringify({ running: false }) : 'no daemon running');
        return 0;
      }
      const { pid } = await client.request<Status>('status');
      const closed = new Promise<void>((resolve) => client.onClose(resolve));
      await client.request('stop');
      await closed;
      // The socket closes before the process has exited: wait for that too, so that
      // `lacp daemon stop && rm -rf WORKSPACE` never races a daemon still going.
      const deadline = Date.now() + EXIT_WAIT_MS;
      while (isRunning(pid) && Date.now() < deadline) await delay(EXIT_POLL_MS);
      ctx.print(values.json ? JSON.stringify({ running: false, stopped: true }) : 'daemon stopped');
      return 0;
    }
    case 'status': {
      const client = await ctx.daemonIfRunning();
      if (!client) {
        ctx.print(values.json ? JSON.stringify({ running: false }) : `no daemon running for ${ctx.paths.root}`);
        return EXIT_UNREACHABLE;
      }
      try {
        show(await client.request<Status>('status'), 'daemon running');
      } finally {
        client.close();
      }
      return 0;
    }
    default:
      throw new CliError(`lacp daemon ${action}: expected start, stop or status`);
  }
}
