import blessed from 'blessed';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { DaemonClient } from '../client/daemon-client.js';
import { DaemonUnreachable, ensureDaemon, tryConnect } from '../client/ensure-daemon.js';
import { ConfigError } from '../config/config-error.js';
import { workspaceLayoutProblem, workspaceWriteProblem } from '../workspace/workspace-layout.js';
import { resolveWorkspace, workspacePaths, workspaceProblem, type WorkspacePaths } from '../workspace/workspace-paths.js';
import { blessedTerminal, cannotAddressCursor, terminalColours } from './terminal-type.js';
import { LayoutNameError, loadLayout } from './layout-preset.js';
import { startMirrorIfAvailable } from './mirror-hook.js';
import { TerminalGuard } from './terminal-guard.js';
import { Log } from './tui-log.js';
import { TuiApp } from './tui-app.js';
import { enableMouse } from './mouse-reports.js';

export const TUI_HELP = `lacp-tui [--workspace DIR] [--layout NAME] [--mirror[=PORT]]
  The full-screen control plane: run tree, metrics, live terminal panes, event log.
  Connects to the workspace daemon, starting it if none answers. q quits (tasks keep
  running), Q also stops the daemon, ? lists every key.
  --layout NAME   a preset from <workspace>/panes/NAME.yaml or the shipped panes/ (default, focus, grid)
  --mirror[=PORT] also serve the read-only browser mirror`;

class UsageError extends Error {}

function parse(argv: string[]): { workspace?: string; layout: string; mirror: number | null; help: boolean } {
  let mirror: number | null = null;
  const rest: string[] = [];
  for (const arg of argv) {
    const m = /^--mirror(?:=(.*))?$/.exec(arg);
    if (!m) rest.push(arg);
    else if (m[1] === undefined) mirror = 0;
    else if (/^\d{1,5}$/.test(m[1]) && Number(m[1]) <= 65535) mirror = Number(m[1]);
    else throw new UsageError(`--mirror: '${m[1]}' is not a port number`);
  }
  try {
    const { values } = parseArgs({ args: rest, options: { workspace: { type: 'string' }, layout: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false });
    return { workspace: values.workspace, layout: values.layout ?? 'default', mirror, help: values.help ?? false };
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0]!);
  }
}

export async function runTui(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (err) {
    process.stderr.write(`lacp-tui: ${(err as Error).message} (lacp-tui --help)\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${TUI_HELP}\n`);
    return 0;
  }
  const root = resolveWorkspace(args.workspace);
  const problem = workspaceProblem(root);
  if (problem) {
    process.stderr.write(`lacp-tui: ${problem}\n`);
    return 2;
  }
  const paths = workspacePaths(root);
  // The CLI's check, said before the terminal is taken: `runs` or `.lacp` as a file breaks the UI as it does every command.
  const layoutProblem = workspaceLayoutProblem(paths);
  if (layoutProblem) {
    process.stderr.write(`lacp-tui: ${layoutProblem}\n`);
    return 2;
  }
  let layout;
  try {
    layout = loadLayout(args.layout, paths.panesDir);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof LayoutNameError) {
      process.stderr.write(`lacp-tui: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const connected = await connectOrCheck(paths);
  if (typeof connected === 'number') return connected;
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    connected?.close();
    process.stderr.write('lacp-tui: needs a terminal (stdin and stdout must be a TTY); lacp is the scriptable CLI\n');
    return 2;
  }
  if (cannotAddressCursor(process.env)) {
    connected?.close();
    process.stderr.write(`lacp-tui: TERM=${process.env.TERM} cannot draw a full-screen UI (no cursor movement); run it in a terminal emulator or tmux, or use lacp (the scriptable CLI)\n`);
    return 2;
  }
  const log = new Log(join(paths.stateDir, 'tui.log'));
  let client = connected;
  try {
    client ??= await ensureDaemon(paths);
  } catch (err) {
    if (err instanceof DaemonUnreachable) {
      process.stderr.write(`lacp-tui: ${err.message}\n`);
      return err.exitCode;
    }
    throw err;
  }
  const info = await startMirrorIfAvailable(args.mirror, paths, log);
  const guard = new TerminalGuard(log);
  guard.install();
  log.captureConsole();
  log.write(`start: workspace ${paths.root}, layout ${layout.name} (${layout.file})`);
  const screen = blessed.screen({ smartCSR: true, fullUnicode: true, forceUnicode: true, warnings: false, autoPadding: false, dockBorders: false, terminal: blessedTerminal(process.env) } as blessed.Widgets.IScreenOptions);
  // Draw box lines as Unicode, not the terminal's alternate charset: tmux and modern terminals render them
  // the same, and a task's own line-drawing text then reaches the screen unchanged.
  const tput = (screen as unknown as { tput: { brokenACS: boolean; colors: number } }).tput;
  tput.brokenACS = true;
  tput.colors = terminalColours(process.env, tput.colors);
  guard.own(screen);
  // Clicks select panes and the wheel scrolls them (Shift-drag still selects text in most terminals).
  enableMouse(screen);
  const app = new TuiApp({ paths, layout, screen, client, log, info });
  await app.start();
  const code = await app.done;
  guard.restore();
  log.write(`quit (${code})`);
  if (code === 3) process.stderr.write(`lacp-tui: the workspace daemon went away (see ${paths.logFile})\n`);
  return code;
}

/**
 * The running daemon's connection, or null when none answers and one may be started; an
 * exit code when the user has something to fix first. As the CLI does: a workspace lacp
 * cannot write in (read-only, `runs` not writable) is one line, exit 2, rather than a
 * daemon started to die; with a daemon already running, it is that daemon's to report.
 */
async function connectOrCheck(paths: WorkspacePaths): Promise<DaemonClient | null | number> {
  let running: DaemonClient | null;
  try {
    running = await tryConnect(paths);
  } catch (err) {
    if (!(err instanceof DaemonUnreachable)) throw err;
    process.stderr.write(`lacp-tui: ${err.message}\n`);
    return err.exitCode;
  }
  if (running) return running;
  const readOnly = workspaceWriteProblem(paths);
  if (!readOnly) return null;
  process.stderr.write(`lacp-tui: ${readOnly}\n`);
  return 2;
}
