import { afterEach, describe, expect, it } from 'vitest';
import { pendingQuestion } from '../../src/pty/screen-prompt-watch.js';
import { disposeChecked, waitFor } from '../helpers/runner-checks.js';
import { TestWorkspace } from '../helpers/workspace.js';

const TOOLS = `version: 1
tools:
  asker:
    mode: interactive
    cmd: ["bash", "-c", "echo working; read -p 'Do you want to apply the patch? [y/n] ' a; echo \\"answer=$a\\"; read -p 'done, press a key' b"]
`;

let ws: TestWorkspace | null = null;
afterEach(async () => {
  if (ws) await disposeChecked(ws);
  ws = null;
});

describe('agent state from the screen (programs without an event stream)', () => {
  it('knows a question from ordinary output', () => {
    expect(pendingQuestion({ lines: ['building...', 'Do you want to apply the patch? [y/n] ', '', ''] })).toBe('Do you want to apply the patch? [y/n]');
    expect(pendingQuestion({ lines: ['Allow once / Allow always / Deny'] })).toBe('Allow once / Allow always / Deny');
    expect(pendingQuestion({ lines: ['Do you want to apply it? [y/n] y', 'applied', 'user@host:~$ '] })).toBeNull();
    expect(pendingQuestion({ lines: ['', ''] })).toBeNull();
  });

  it('a task whose screen ends with a question is waiting; answering makes it busy again', async () => {
    ws = new TestWorkspace(TOOLS);
    const { taskId } = await ws.run(['asker']);
    const states = () =>
      ws!.taskEvents(taskId).flatMap((e) => (e.event === 'tool_event' && e.tool_event_type === 'agent_state' ? [(e.data as { state: string }).state] : []));
    await waitFor('the waiting state', () => states().includes('waiting'), 30_000);
    const waiting = ws.taskEvents(taskId).find((e) => e.event === 'tool_event' && (e.data as { state: string }).state === 'waiting')!;
    expect(waiting.summary).toBe('agent waiting: Do you want to apply the patch? [y/n]');
    await ws.lacp(['send', taskId, 'y\\r']);
    await waitFor('busy after the answer', () => states().join(' ') === 'waiting busy' || undefined, 30_000);
    await ws.lacp(['cancel', taskId]);
    // "press a key" is no question: nothing after busy.
    expect(states()).toEqual(['waiting', 'busy']);
  });
});
