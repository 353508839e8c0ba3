import { LACP_VERSION } from '../daemon/version.js';
import { showControls } from '../core/terminal-text.js';
import { CliError } from './cli-error.js';

type Command = { run: (argv: string[]) => Promise<number>; help: string };

/**
 * Every `lacp` command: one table serves dispatch and help. Each command's module is
 * loaded only when it runs, so `lacp send` does not pay for SQLite, xterm or the MCP SDK.
 */
export const COMMANDS: Record<string, () => Promise<Command>> = {
  run: () => import('./commands/run.js').then((m) => ({ run: m.runCommand, help: m.RUN_HELP })),
  ls: () => import('./commands/ls.js').then((m) => ({ run: m.lsCommand, help: m.LS_HELP })),
  logs: () => import('./commands/logs.js').then((m) => ({ run: m.logsCommand, help: m.LOGS_HELP })),
  events: () => import('./commands/events.js').then((m) => ({ run: m.eventsCommand, help: m.EVENTS_HELP })),
  search: () => import('./commands/search.js').then((m) => ({ run: m.searchCommand, help: m.SEARCH_HELP })),
  cancel: () => import('./commands/cancel.js').then((m) => ({ run: m.cancelCommand, help: m.CANCEL_HELP })),
  attach: () => import('./commands/attach.js').then((m) => ({ run: m.attachCommand, help: m.ATTACH_HELP })),
  send: () => import('./commands/send.js').then((m) => ({ run: m.sendCommand, help: m.SEND_HELP })),
  screen: () => import('./commands/screen.js').then((m) => ({ run: m.screenCommand, help: m.SCREEN_HELP })),
  approve: () => import('./commands/checkpoint.js').then((m) => ({ run: m.approveCommand, help: m.APPROVE_HELP })),
  reject: () => import('./commands/checkpoint.js').then((m) => ({ run: m.rejectCommand, help: m.REJECT_HELP })),
  validate: () => import('./commands/validate.js').then((m) => ({ run: m.validateCommand, help: m.VALIDATE_HELP })),
  mirror: () => import('./commands/mirror.js').then((m) => ({ run: m.mirrorCommand, help: m.MIRROR_HELP })),
  daemon: () => import('./commands/daemon.js').then((m) => ({ run: m.daemonCommand, help: m.DAEMON_HELP })),
  mcp: () => import('../mcp/mcp-command.js').then((m) => ({ run: m.mcpCommand, help: m.MCP_HELP })),
  index: () => import('./commands/index.js').then((m) => ({ run: m.indexCommand, help: m.INDEX_HELP })),
};

async function usage(): Promise<string> {
  const commands = await Promise.all(Object.values(COMMANDS).map((load) => load()));
  return [
    `lacp ${LACP_VERSION}: the local agent control plane (scriptable CLI)`,
    'Every command takes --workspace DIR (else $LACP_WORKSPACE, else the current directory); listings take --json.',
    '',
    ...commands.map((c) => c.help),
  ].join('\n');
}

/**
 * Options every command takes may come before the command too (`lacp --workspace DIR ls`,
 * as git and tmux take theirs): they move after it.
 */
function commandFirst(argv: string[]): string[] {
  let i = 0;
  while (i < argv.length) {
    const word = argv[i]!;
    if (word === '--json' || word.startsWith('--workspace=')) i += 1;
    else if (word === '--workspace' && i + 1 < argv.length) i += 2;
    else break;
  }
  if (i === 0) return argv;
  return argv.length > i ? [argv[i]!, ...argv.slice(0, i), ...argv.slice(i + 1)] : [];
}

export async function main(args: string[]): Promise<number> {
  const [name, ...rest] = commandFirst(args);
  if (!name) {
    process.stdout.write(`${await usage()}\n`);
    throw new CliError('no command given (the commands are listed above)');
  }
  const helpFor = name === 'help' && rest[0] ? COMMANDS[rest[0]] : undefined; // `lacp help run`, as git and tmux take it
  if (helpFor) {
    process.stdout.write(`${(await helpFor()).help}\n`);
    return 0;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${await usage()}\n`);
    return 0;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(`${LACP_VERSION}\n`);
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) throw new CliError(`unknown command '${name}' (lacp --help lists them)`);
  const command = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.help}\n`);
    return 0;
  }
  return command.run(rest);
}

/** Runs the CLI as a process: one line on stderr for any failure, never a stack trace. */
export function runCli(argv: string[]): void {
  // A reader that went away (`lacp ls | head`) ends the output, quietly, as for any Unix tool.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      if (err instanceof CliError) {
        process.stderr.write(err.located ? `${showControls(err.message)}\n` : `lacp: ${showControls(err.message)}\n`);
        process.exitCode = err.exitCode;
      } else {
        process.stderr.write(`lacp: internal error: ${showControls((err as Error)?.message ?? String(err))}\n`);
        process.exitCode = 1;
      }
    },
  );
}
