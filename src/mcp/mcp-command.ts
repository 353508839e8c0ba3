import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { DaemonClient } from '../client/daemon-client.js';
import { DaemonUnreachable, ensureDaemon } from '../client/ensure-daemon.js';
import { parse } from '../cli/args.js';
import { CliError, EXIT_UNREACHABLE, EXIT_USAGE } from '../cli/cli-error.js';
import { TASK_MARKER_VAR } from '../runner/process-tree.js';
import { resolveWorkspace, workspacePaths, workspaceProblem } from '../workspace/workspace-paths.js';
import { createLacpMcpServer, type WithDaemon } from './mcp-server.js';
import { QueryError } from './task-queries.js';

export const MCP_HELP = `lacp mcp
  A stdio MCP server named "lacp" (tools start_task, list_tasks, task_status, task_output,
  cancel_task) for agents; lacp registers it in every OpenCode it starts.`;

/** Serves MCP on stdin/stdout until the client closes stdin. */
export async function mcpCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('mcp', argv, {});
  if (positionals.length > 0) throw new CliError(`lacp mcp: takes no arguments, got '${positionals[0]}'`);
  const root = resolveWorkspace(values.workspace);
  const problem = workspaceProblem(root);
  if (problem) throw new CliError(problem, EXIT_USAGE);
  const paths = workspacePaths(root);
  // A connection per call: its handshake has a deadline, so a daemon stopped or hung since
  // the last call is reported as a tool error at once instead of leaving the agent waiting
  // on a request nobody reads. A unix socket connection costs a millisecond.
  // Open ones are closed when the client goes away, ending the calls they carry (a wait
  // of up to ten minutes), or this process would outlive its client by that long.
  const open = new Set<DaemonClient>();
  let ending = false;
  const withDaemon: WithDaemon = async (use) => {
    let client: DaemonClient;
    try {
      client = await ensureDaemon(paths);
    } catch (err) {
      if (err instanceof DaemonUnreachable) throw new QueryError(err.message);
      throw err;
    }
    if (ending) {
      client.close();
      throw new QueryError('lacp mcp is ending: its client went away');
    }
    open.add(client);
    try {
      return await use(client);
    } finally {
      open.delete(client);
      client.close();
    }
  };
  const server = createLacpMcpServer(paths, withDaemon, {
    taskId: process.env[TASK_MARKER_VAR] || null,
    runId: process.env.LACP_RUN_ID || null,
  });
  const closed = new Promise<void>((resolve) => (server.server.onclose = resolve));
  try {
    await server.connect(new StdioServerTransport());
  } catch (err) {
    throw new CliError(`lacp mcp: ${(err as Error).message}`, EXIT_UNREACHABLE);
  }
  await Promise.race([closed, new Promise<void>((resolve) => process.stdin.once('end', resolve))]);
  ending = true;
  for (const client of open) client.close();
  await server.close();
  return 0;
}
