import { basename } from 'node:path';
import { expect, test } from 'vitest';
import type { EventOf } from '../../src/core/events.js';
import { waitFor } from '../helpers/runner-checks.js';
import { INTERACTIVE_TOOL, openCodeFixture } from './opencode-workspace.js';

const oc = openCodeFixture();

/** OpenCode's TUI starts in seconds on an idle machine; a loaded one takes several times that. */
const SCREEN_WAIT_MS = 120_000;

async function screenText(taskId: string): Promise<string> {
  const { stdout } = await oc.ws.lacp(['screen', taskId]);
  return String(stdout);
}

function agentStates(taskId: string): string[] {
  return oc.ws
    .taskEvents(taskId)
    .filter((e): e is EventOf<'tool_event'> => e.event === 'tool_event' && e.tool_event_type === 'agent_state')
    .map((e) => (e.data as { state: string }).state);
}

test(
  "interactive OpenCode in a PTY: a typed prompt is sent, the model's reply appears on the screen, the agent state goes idle, busy, idle, then waiting on a permission",
  async () => {
    const { server, ws } = await oc.start([
      { kind: 'text', text: 'Scripted reply: pineapple.' },
      { kind: 'tool_calls', calls: [{ name: 'bash', arguments: { command: 'echo needs-a-yes', description: 'Ask first' } }] },
    ], { permission: { bash: 'ask' } });
    const { taskId } = await ws.run([INTERACTIVE_TOOL]);

    // The home screen names the project directory: the TUI is up and drawing into our headless terminal.
    await waitFor('the OpenCode home screen', async () => (await screenText(taskId)).includes(basename(ws.root)), SCREEN_WAIT_MS);
    // lacp follows OpenCode's own event stream: connected, the agent is idle until given work.
    await waitFor('the first agent state', () => agentStates(taskId).length > 0, SCREEN_WAIT_MS);
    expect(agentStates(taskId)).toEqual(['idle']);
    // Typing shows in its prompt box before Enter: the input reached the program through the PTY.
    await ws.lacp(['send', taskId, 'name the fruit']);
    await waitFor('the typed prompt on screen', async () => (await screenText(taskId)).includes('name the fruit'), SCREEN_WAIT_MS);
    await ws.lacp(['send', taskId, '\\r']);
    const screen = await waitFor(
      'the reply on screen',
      async () => {
        const text = await screenText(taskId);
        return text.includes('Scripted reply: pineapple.') && text;
      },
      SCREEN_WAIT_MS,
    );
    expect(screen).toContain('name the fruit');
    expect(server.requests.filter((r) => !r.title)).toHaveLength(1);
    // Busy while it answered, idle once its turn was over.
    await waitFor('agent state idle after busy', () => agentStates(taskId).join(' ') === 'idle busy idle', SCREEN_WAIT_MS);

    // A tool call that needs a permission: the agent waits for the human.
    await ws.lacp(['send', taskId, 'run the command']);
    await waitFor('the second prompt on screen', async () => (await screenText(taskId)).includes('run the command'), SCREEN_WAIT_MS);
    await ws.lacp(['send', taskId, '\\r']);
    await waitFor('agent state waiting', () => agentStates(taskId).at(-1) === 'waiting', SCREEN_WAIT_MS);
    expect(agentStates(taskId)).toEqual(['idle', 'busy', 'idle', 'busy', 'waiting']);

    const cancel = await ws.lacp(['cancel', taskId]);
    expect(cancel.exitCode).toBe(0);
    const done = ws.taskEvents(taskId).find((e): e is EventOf<'task_completed'> => e.event === 'task_completed')!;
    expect(done.status).toBe('cancelled');
  },
  4 * SCREEN_WAIT_MS,
);
