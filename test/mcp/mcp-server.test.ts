import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterEach, describe, expect, test } from 'vitest';
import { daemonPid, waitFor } from '../helpers/runner-checks.js';
import { LACP_BIN, TestWorkspace } from '../helpers/workspace.js';

const TOOLS = `version: 1
tools:
  shout: { mode: batch, cmd: ["echo", "{prompt}"] }
  nap: { mode: batch, cmd: ["sleep", "60"] }
  ticketed: { mode: batch, cmd: ["echo", "{ticket}"] }
  term: { mode: interactive, cmd: ["sh", "-c", "echo on-the-terminal; sleep 60"] }
vars:
  ticket: null
`;

let ws: TestWorkspace | null = null;
let client: Client | null = null;

afterEach(async () => {
  await client?.close();
  await ws?.dispose();
  client = null;
  ws = null;
});

/** `lacp mcp` as an agent starts it: a child process speaking MCP on stdio, as task `parent_task` of a run. */
async function connect(env: Record<string, string> = {}): Promise<Client> {
  ws = new TestWorkspace(TOOLS);
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [LACP_BIN, 'mcp', '--workspace', ws.root],
    env: { PATH: process.env.PATH!, ...env },
    stderr: 'pipe',
  });
  client = new Client({ name: 'lacp-test', version: '1' });
  await client.connect(transport);
  return client;
}

async function call(c: Client, name: string, args: Record<string, unknown>, timeout?: number): Promise<{ isError: boolean; json: any; text: string }> {
  const result = (await c.callTool({ name, arguments: args }, undefined, timeout ? { timeout } : undefined)) as { isError?: boolean; content: { type: string; text: string }[] };
  const text = result.content[0]!.text;
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { isError: result.isError === true, json, text };
}

describe('lacp mcp (a real MCP client over stdio, a real daemon)', () => {
  test('it is named lacp and offers the five tools', async () => {
    const c = await connect();
    expect(c.getServerVersion()?.name).toBe('lacp');
    const names = (await c.listTools()).tools.map((t) => t.name).sort();
    expect(names).toEqual(['cancel_task', 'list_tasks', 'start_task', 'task_output', 'task_status']);
  });

  test('start_task, task_status with wait, task_output, list_tasks: a task started by the calling task', async () => {
    const c = await connect({ LACP_TASK_ID: 't-parent' });
    const started = await call(c, 'start_task', { tool: 'shout', prompt: 'hello from mcp', title: 'shouting' });
    expect(started.isError, started.text).toBe(false);
    const { run_id, task_id } = started.json as { run_id: string; task_id: string };
    expect(run_id).toMatch(/^RUN-/);

    const status = await call(c, 'task_status', { task_id, wait_sec: 60 });
    expect(status.json).toMatchObject({ task_id, status: 'succeeded', exit_code: 0, started_by: 'task t-parent' });
    const output = await call(c, 'task_output', { task_id });
    expect(output.json).toMatchObject({ text: 'hello from mcp\n', truncated: false });
    const listed = await call(c, 'list_tasks', {});
    expect(listed.json.run_id).toBe(run_id);
    expect(listed.json.tasks.map((t: { task_id: string }) => t.task_id)).toContain(task_id);
  });

  test('cancel_task ends a running task; bad ids and tools come back as tool errors, not crashes', async () => {
    const c = await connect();
    const { task_id } = (await call(c, 'start_task', { tool: 'nap' })).json as { task_id: string };
    await waitFor('the task to run', async () => (await call(c, 'task_status', { task_id })).json?.status === 'running');
    const cancelled = await call(c, 'cancel_task', { task_id, reason: 'enough' });
    expect(cancelled.json).toMatchObject({ task_id, status: 'cancelled' });

    const unknownTool = await call(c, 'start_task', { tool: 'no-such-tool' });
    expect(unknownTool.isError).toBe(true);
    expect(unknownTool.text).toContain("unknown tool 'no-such-tool'");
    const unknownTask = await call(c, 'task_status', { task_id: 't-nope' });
    expect(unknownTask.isError).toBe(true);
    expect(unknownTask.text).toContain('no task t-nope');
  });

  test('a daemon that stops answering after the first call is a tool error within the handshake deadline, not a hang', async () => {
    const c = await connect({ LACP_HANDSHAKE_TIMEOUT_MS: '1000' });
    const first = await call(c, 'start_task', { tool: 'shout', prompt: 'first' });
    expect(first.isError, first.text).toBe(false);
    const pid = daemonPid(ws!)!;
    process.kill(pid, 'SIGSTOP');
    try {
      for (const [name, args] of [['start_task', { tool: 'shout', prompt: 'second' }], ['cancel_task', { task_id: first.json.task_id }], ['task_status', { task_id: first.json.task_id, wait_sec: 30 }]] as const) {
        const started = Date.now();
        // The client would give up after 20 s; the answer must come well before.
        const answer = await call(c, name, args, 20_000);
        expect(answer.isError, `${name}: ${answer.text}`).toBe(true);
        expect(answer.text, name).toContain(`the daemon (pid ${pid}) is not answering`);
        expect(Date.now() - started, name).toBeLessThan(10_000);
      }
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    const after = await call(c, 'start_task', { tool: 'shout', prompt: 'third' });
    expect(after.isError, after.text).toBe(false);
  });

  test('a client that goes away mid-call (stdin closed) ends lacp mcp at once, not when the call would have ended', async () => {
    ws = new TestWorkspace(TOOLS);
    // A raw child: the SDK's transport kills the process on close, which would hide a server that lingers.
    const child = spawn(process.execPath, [LACP_BIN, 'mcp', '--workspace', ws.root], { stdio: ['pipe', 'pipe', 'ignore'] });
    const answers = new Map<number, any>();
    createInterface({ input: child.stdout }).on('line', (line) => {
      const message = JSON.parse(line) as { id?: number };
      if (message.id !== undefined) answers.set(message.id, message);
    });
    const send = (message: object) => child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
    const answer = (id: number) => waitFor(`answer ${id}`, () => answers.get(id));
    send({ id: 1, method: 'initialize', params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
    await answer(1);
    send({ method: 'notifications/initialized' });
    send({ id: 2, method: 'tools/call', params: { name: 'start_task', arguments: { tool: 'nap' } } });
    const { task_id } = JSON.parse((await answer(2)).result.content[0].text) as { task_id: string };
    send({ id: 3, method: 'tools/call', params: { name: 'task_status', arguments: { task_id, wait_sec: 60 } } });
    // Calls are handled in order: once 4 is answered, 3 is under way.
    send({ id: 4, method: 'tools/call', params: { name: 'list_tasks', arguments: {} } });
    await answer(4);
    const closedAt = Date.now();
    child.stdin.end();
    try {
      await waitFor('lacp mcp to exit', () => child.exitCode !== null, 10_000);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    expect(child.exitCode).toBe(0);
    expect(Date.now() - closedAt).toBeLessThan(5_000);
  });

  test('start_task errors about variables name the vars argument the agent has, not the CLI flag', async () => {
    const c = await connect();
    const unknown = await call(c, 'start_task', { tool: 'shout', prompt: 'x', vars: { colour: 'red' } });
    expect(unknown.isError).toBe(true);
    expect(unknown.text).toContain('vars.colour: no such variable');
    const missing = await call(c, 'start_task', { tool: 'ticketed' });
    expect(missing.isError).toBe(true);
    expect(missing.text).toContain('{ticket}');
    expect(missing.text).toContain('pass vars: {"ticket": "..."}');
    for (const answer of [unknown, missing]) expect(answer.text).not.toContain('--set');
    const given = await call(c, 'start_task', { tool: 'ticketed', vars: { ticket: 'T-1' } });
    expect(given.isError, given.text).toBe(false);
  });

  test('task_output of an interactive task: its terminal is stdout; asking for stderr says so instead of an empty text', async () => {
    const c = await connect();
    const { task_id } = (await call(c, 'start_task', { tool: 'term' })).json as { task_id: string };
    await waitFor('the terminal output', async () => (await call(c, 'task_output', { task_id })).json?.text.includes('on-the-terminal'));
    const stderr = await call(c, 'task_output', { task_id, stream: 'stderr' });
    expect(stderr.isError).toBe(true);
    expect(stderr.text).toContain('interactive');
    expect(stderr.text).toContain('stdout');
    await call(c, 'cancel_task', { task_id });
  });
});
