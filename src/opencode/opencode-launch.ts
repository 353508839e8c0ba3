import { basename, delimiter, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MCP_SERVER_NAME } from '../mcp/server-name.js';
import { portOf } from './agent-state.js';
import { pickAgentPort } from './agent-port.js';
import { resolveProgram } from '../runner/resolve-program.js';

export const OPENCODE_PROGRAM = 'opencode';
export const OPENCODE_INSTALL = 'npm install opencode-ai';

/** lacp's own package root (this file is src/opencode or dist/opencode). */
const LACP_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LACP_BIN = join(LACP_ROOT, 'bin', 'lacp.js');

export function isOpenCode(program: string): boolean {
  return basename(program) === OPENCODE_PROGRAM;
}

export interface OpenCodeLaunch {
  argv: string[];
  addedEnv: Record<string, string>;
  cwd: string;
  mode: 'batch' | 'interactive';
  daemonEnv: NodeJS.ProcessEnv;
  workspace: string;
}

/**
 * Prepares a task whose program is OpenCode (called from task planning; edits argv
 * and addedEnv in place): a bare `opencode` missing from PATH is taken from the
 * workspace's or lacp's own `node_modules/.bin`; $PWD is the task's cwd; the lacp
 * MCP server is registered in its `OPENCODE_CONFIG_CONTENT`, merged into the user's
 * own config; an interactive one gets a `--port` so lacp can follow its agent state.
 */
export function prepareOpenCodeLaunch(launch: OpenCodeLaunch): void {
  const { argv, addedEnv, daemonEnv, workspace } = launch;
  const program = argv[0];
  if (program === undefined || !isOpenCode(program)) return;
  // OpenCode takes its project directory from $PWD, not getcwd(): the daemon's own would be used.
  addedEnv.PWD = launch.cwd;
  if (program === OPENCODE_PROGRAM) {
    const pathEnv = addedEnv.PATH ?? daemonEnv.PATH;
    if (!onPath(program, pathEnv)) {
      const local = [join(workspace, 'node_modules', '.bin'), join(LACP_ROOT, 'node_modules', '.bin')]
        .map((dir) => join(dir, program))
        .find((file) => resolveProgram(file, '/', undefined) !== null);
      if (local) argv[0] = local;
    }
  }
  const merged = withLacpMcpServer(addedEnv.OPENCODE_CONFIG_CONTENT ?? daemonEnv.OPENCODE_CONFIG_CONTENT, workspace);
  if (merged !== null) addedEnv.OPENCODE_CONFIG_CONTENT = merged;
  // Only the TUI needs it (`run` is judged by its JSON), and a user's own --port is kept.
  if (launch.mode === 'interactive' && portOf(argv) === null && !argv.some((a) => a.startsWith('--port'))) argv.push('--port', String(pickAgentPort()));
}

/**
 * The user's OPENCODE_CONFIG_CONTENT with `mcp.lacp` added. Everything the user set
 * stays, including an `mcp.lacp` of their own; content that is not a JSON object is
 * left alone (null), since rewriting it could only break it.
 */
export function withLacpMcpServer(userContent: string | undefined, workspace: string): string | null {
  let config: Record<string, unknown> = {};
  if (userContent !== undefined && userContent.trim() !== '') {
    try {
      const parsed: unknown = JSON.parse(userContent);
      if (!isRecord(parsed)) return null;
      config = parsed;
    } catch {
      return null;
    }
  }
  const mcp = isRecord(config.mcp) ? config.mcp : config.mcp === undefined ? {} : null;
  if (mcp === null || MCP_SERVER_NAME in mcp) return userContent ?? null;
  const server = { type: 'local', command: lacpMcpCommand(workspace), enabled: true };
  return JSON.stringify({ ...config, mcp: { ...mcp, [MCP_SERVER_NAME]: server } });
}

/** How an agent starts `lacp mcp` for this workspace: this very lacp, by absolute paths. */
export function lacpMcpCommand(workspace: string): string[] {
  return [process.execPath, LACP_BIN, 'mcp', '--workspace', workspace];
}

/** What a missing program's spawn error says when lacp knows how to get it; '' when it does not. */
export function installHint(program: string): string {
  return program === OPENCODE_PROGRAM ? `(not on PATH nor in node_modules/.bin: ${OPENCODE_INSTALL})` : '';
}

function onPath(program: string, pathEnv: string | undefined): boolean {
  return resolveProgram(program, '/', (pathEnv ?? '').split(delimiter).filter((dir) => isAbsolute(dir)).join(delimiter)) !== null;
}


function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
