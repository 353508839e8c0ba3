import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { DaemonError, type DaemonClient } from '../client/daemon-client.js';
import type { TaskOutcome } from '../core/protocol.js';
import { LACP_VERSION } from '../daemon/version.js';
import type { WorkspacePaths } from '../workspace/workspace-paths.js';
import { MCP_SERVER_NAME } from './server-name.js';
import { DEFAULT_OUTPUT_CHARS, QueryError, TaskQueries } from './task-queries.js';

/** A status request may block this long at most: MCP clients time out their calls (OpenCode after minutes). */
const MAX_WAIT_SEC = 600;

/** Runs `use` with a connection to the workspace daemon (started if needed), closed afterwards. */
export type WithDaemon = <T>(use: (client: DaemonClient) => Promise<T>) => Promise<T>;

/** Who is calling: the lacp task the agent runs in, when it runs in one. */
export interface McpCaller {
  taskId: string | null;
  runId: string | null;
}

/**
 * The `lacp` MCP server: lets an agent start, watch and cancel tasks of the workspace.
 * Starting and cancelling go through the daemon; listings and output are read from
 * runs/, as `lacp ls` and `lacp logs` read them.
 */
export function createLacpMcpServer(paths: WorkspacePaths, daemon: WithDaemon, caller: McpCaller): McpServer {
  const server = new McpServer({ name: MCP_SERVER_NAME, version: LACP_VERSION });
  const queries = new TaskQueries(paths.runsDir);
  const optional = z.string().optional();

  server.registerTool(
    'start_task',
    {
      description:
        'Start a lacp task (a tool from the workspace tools.yaml, e.g. a batch agent run or a shell command). Returns its run_id and task_id at once; use task_status to follow it.',
      inputSchema: {
        tool: z.string().describe('tool name from tools.yaml (list_tasks shows what ran before)'),
        prompt: optional.describe('the prompt, for tools whose command uses {prompt}'),
        vars: z.record(z.string(), z.string()).optional().describe('values for the variables tools.yaml declares'),
        phase: optional,
        agent_role: optional,
        title: optional,
      },
    },
    (args) =>
      answer(async () => {
        // Tasks an agent starts join the run it works in, so they appear under it in the run tree.
        const sameWorkspace = process.env.LACP_WORKSPACE === paths.root;
        const submitted = daemon((client) => client.request<{ run_id: string; task_id: string }>('submit', {
          tool: args.tool,
          prompt: args.prompt ?? null,
          set: args.vars ?? {},
          run: sameWorkspace ? caller.runId : null,
          phase: args.phase ?? null,
          role: args.agent_role ?? null,
          title: args.title ?? null,
          started_by: caller.taskId ? `task ${caller.taskId}` : null,
        }));
        return submitted.catch((err: unknown) => {
          throw err instanceof DaemonError ? new DaemonError(err.code, asVarsArgument(err.message)) : err;
        });
      }),
  );

  server.registerTool(
    'list_tasks',
    {
      description: 'List the tasks of a run (default: the newest run) with status, tool, summary and who started them.',
      inputSchema: { run_id: optional },
    },
    (args) => answer(async () => queries.listTasks(args.run_id ?? null)),
  );

  server.registerTool(
    'task_status',
    {
      description: 'One task: status, exit code, summary, tokens and cost, artifacts. With wait_sec, first waits up to that long for it to end.',
      inputSchema: { task_id: z.string(), wait_sec: z.number().min(0).max(MAX_WAIT_SEC).optional() },
    },
    (args) =>
      answer(async () => {
        queries.findRun(args.task_id);
        if (args.wait_sec) await daemon((client) => waitFor(client, args.task_id, args.wait_sec!));
        return queries.taskStatus(args.task_id);
      }),
  );

  server.registerTool(
    'task_output',
    {
      description: 'The end of a task\'s captured output (stdout by default), escape sequences removed.',
      inputSchema: {
        task_id: z.string(),
        stream: z.enum(['stdout', 'stderr']).optional(),
        max_chars: z.number().int().positive().optional().describe(`default ${DEFAULT_OUTPUT_CHARS}`),
      },
    },
    (args) => answer(async () => queries.taskOutput(args.task_id, args.stream ?? 'stdout', args.max_chars ?? DEFAULT_OUTPUT_CHARS)),
  );

  server.registerTool(
    'cancel_task',
    {
      description: 'Cancel a task (interrupt, then terminate its whole process tree); returns once it has ended.',
      inputSchema: { task_id: z.string(), reason: optional },
    },
    (args) =>
      answer(async () => {
        const [outcome] = await daemon((client) =>
          client.request<TaskOutcome[]>('cancel', {
            task_ids: [args.task_id],
            by: caller.taskId ? `task ${caller.taskId} (mcp)` : 'mcp',
            reason: args.reason ?? null,
          }),
        );
        return outcome;
      }),
  );

  return server;
}

/** Resolves when the task ends or `seconds` pass, whichever is first. */
async function waitFor(client: DaemonClient, taskId: string, seconds: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.request('wait', { task_id: taskId }).catch((err: unknown) => {
        // A task from before the daemon's last start is not in its memory: its files say how it ended.
        if (!(err instanceof DaemonError && err.code === 'not_found')) throw err;
      }),
      new Promise((resolve) => (timer = setTimeout(resolve, seconds * 1000))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The daemon words variable errors for the CLI (`--set KEY=VALUE`); an agent passes
 * them in start_task's `vars`, so that is what the message must name.
 */
function asVarsArgument(message: string): string {
  return message.replace(/^--set ([^:\s]+):/, 'vars.$1:').replace(/pass --set ([^=\s]+)=VALUE/g, 'pass vars: {"$1": "..."}');
}

/** A tool's result as JSON text; expected failures become an error result the agent can read. */
async function answer(work: () => Promise<unknown>): Promise<CallToolResult> {
  try {
    const result = await work();
    return { content: [{ type: 'text', text: JSON.stringify(result, null, 2) }] };
  } catch (err) {
    if (err instanceof QueryError || err instanceof DaemonError) return { isError: true, content: [{ type: 'text', text: err.message }] };
    throw err;
  }
}
