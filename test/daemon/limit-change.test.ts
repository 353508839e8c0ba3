import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TestWorkspace } from '../helpers/workspace.js';
import { disposeChecked, validateWorkspaceFiles, waitFor } from '../helpers/runner-checks.js';

const tools = (limit: number) => `version: 1
defaults:
  max_parallel: ${limit}
tools:
  nap:
    cmd: ["sleep", "30"]
`;

describe('a limit changed in tools.yaml', () => {
  it('raising max_parallel starts the queued tasks at once, with no new submission', async () => {
    const ws = new TestWorkspace(tools(1));
    try {
      const first = await ws.run(['nap']);
      const second = await ws.run(['nap']);
      const started = (id: string) => ws.taskEvents(id).some((e) => e.event === 'task_started');
      await waitFor('the first to start', () => started(first.taskId));
      expect(started(second.taskId)).toBe(false); // queued behind the limit of 1

      writeFileSync(join(ws.root, 'tools.yaml'), tools(2));
      await waitFor('the queued one to start under the raised limit', () => started(second.taskId), 10_000);
      expect((await ws.lacp(['cancel', first.taskId, second.taskId])).exitCode).toBe(0);
      validateWorkspaceFiles(ws.root);
    } finally {
      await disposeChecked(ws);
    }
  }, 60_000);
});
