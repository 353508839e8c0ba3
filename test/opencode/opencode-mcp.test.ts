import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import type { EventOf } from '../../src/core/events.js';
import { waitFor } from '../helpers/runner-checks.js';
import { openCodeFixture } from './opencode-workspace.js';

const oc = openCodeFixture();

test(
  'the model calls lacp_start_task through the lacp MCP server: the task joins the run, marked as started by the agent, and finishes',
  async () => {
    const { server, ws } = await oc.start([
      { kind: 'tool_calls', calls: [{ name: 'lacp_start_task', arguments: { tool: 'shout', prompt: 'fan-out-works', title: 'child of the agent' } }] },
      // The child's id is in the tool result the model got; waiting on it is the agent's next step.
      { kind: 'text', text: 'Started it.' },
    ], { extraTools: { shout: { mode: 'batch', cmd: ['echo', '{prompt}'] } } });
    const { taskId: parentId, result } = await ws.run(['oc', '--prompt', 'start a child task', '--wait']);
    expect(result.exitCode, String(result.stderr)).toBe(0);

    // The agent was offered lacp's tools under OpenCode's server_tool naming.
    const offered = server.requests.find((r) => !r.title)!.tools!.map((t) => t.function.name);
    expect(offered).toEqual(expect.arrayContaining(['lacp_start_task', 'lacp_list_tasks', 'lacp_task_status', 'lacp_task_output', 'lacp_cancel_task']));

    const parentEvents = ws.taskEvents(parentId);
    const call = parentEvents.find((e): e is EventOf<'tool_event'> => e.event === 'tool_event' && e.tool_event_type === 'tool_use')!;
    expect(call.data).toMatchObject({ tool: 'lacp_start_task', status: 'completed' });
    const childId = /"task_id": "([^"]+)"/.exec(String((call.data as { output: string }).output))![1]!;

    const childDone = await waitFor('the child task to end', () =>
      ws.taskEvents(childId).find((e): e is EventOf<'task_completed'> => e.event === 'task_completed'),
    );
    expect(childDone.status).toBe('succeeded');
    const { stdout } = await ws.lacp(['ls', '--json']);
    const rows = (JSON.parse(String(stdout)) as { runs: { tasks: { task_id: string; started_by: string | null; tool: string }[] }[] }).runs[0]!.tasks;
    expect(rows.find((t) => t.task_id === childId)).toMatchObject({ tool: 'shout', started_by: `task ${parentId}` });
    const runId = childDone.run_id;
    expect(runId).toBe(parentEvents[0]!.run_id);
    expect(readFileSync(join(ws.runs.taskDir(runId, childId), 'stdout.log'), 'utf8')).toBe('fan-out-works\n');
  },
  150_000,
);
