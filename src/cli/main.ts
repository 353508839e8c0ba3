import { LACP_VERSION } from '../daemon/version.js';
import { CliError } from './cli-error.js';
import { CANCEL_HELP, cancelCommand } from './commands/cancel.js';
import { ATTACH_HELP, attachCommand } from './commands/attach.js';
import { APPROVE_HELP, REJECT_HELP, approveCommand, rejectCommand } from './commands/checkpoint.js';
import { DAEMON_HELP, daemonCommand } from './commands/daemon.js';
import { EVENTS_HELP, eventsCommand } from './commands/events.js';
import { INDEX_HELP, indexCommand } from './commands/index.js';
import { LOGS_HELP, logsCommand } from './commands/logs.js';
import { LS_HELP, lsCommand } from './commands/ls.js';
import { MCP_HELP, mcpCommand } from '../mcp/mcp-command.js';
import { RUN_HELP, runCommand } from './commands/run.js';
import { SEARCH_HELP, searchCommand } from './commands/search.js';
import { SCREEN_HELP, screenCommand } from './commands/screen.js';
import { SEND_HELP, sendCommand } from './commands/send.js';
import { VALIDATE_HELP, validateCommand } from './commands/validate.js';
import { MIRROR_HELP, mirrorCommand } from './commands/mirror.js';

type Command = { run: (argv: string[]) => Promise<number>; help: string };

/** Every `lacp` command: one table serves dispatch and help. */
export const COMMANDS: Record<string, Command> = {
  run: { run: runCommand, help: RUN_HELP },
  ls: { run: lsCommand, help: LS_HELP },
  logs: { run: logsCommand, help: LOGS_HELP },
  events: { run: eventsCommand, help: EVENTS_HELP },
  search: { run: searchCommand, help: SEARCH_HELP },
  cancel: { run: cancelCommand, help: CANCEL_HELP },
  attach: { run: attachCommand, help: ATTACH_HELP },
  send: { run: sendCommand, help: SEND_HELP },
  screen: { run: screenCommand, help: SCREEN_HELP },
  approve: { run: approveCommand, help: APPROVE_HELP },
  reject: { run: rejectCommand, help: REJECT_HELP },
  validate: { run: validateCommand, help: VALIDATE_HELP },
  mirror: { run: mirrorCommand, help: MIRROR_HELP },
  daemon: { run: daemonCommand, help: DAEMON_HELP },
  mcp: { run: mcpCommand, help: MCP_HELP },
  index: { run: indexCommand, help: INDEX_HELP },
};

function usage(): string {
  return [
    `lacp ${LACP_VERSION}: the local agent control plane (scriptable CLI)`,
    'Every command takes --workspace DIR (else $LACP_WORKSPACE, else the current directory); listings take --json.',
    '',
    ...Object.values(COMMANDS).map((c) => c.help),
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(`${LACP_VERSION}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) throw new CliError(`unknown command '${name}' (lacp --help lists them)`);
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
        process.stderr.write(`lacp: ${err.message}\n`);
        process.exitCode = err.exitCode;
      } else {
        process.stderr.write(`lacp: internal error: ${(err as Error)?.message ?? String(err)}\n`);
        process.exitCode = 1;
      }
    },
  );
}
