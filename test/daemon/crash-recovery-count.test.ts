import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, TestWorkspace } from '../helpers/workspace.js';
import { completionOf, daemonPid, disposeChecked, isAlive, readRecord, validateWorkspaceFiles, waitFor } from '../helpers/runner-checks.js';
import { startStubborn } from '../helpers/stubborn-fixture.js';

// stubborn-tree.js leaves four processes: itself (the task's leader), a child in its group,
// a nohup'd child in its group, and a child that left for a session of its own.
const TOOLS = `
version: 1
vars:
  dir: ""
tools:
  stubborn:
    cmd: ["node", "${FIXTURES}/stubborn-tree.js", "{dir}"]
`;


describe('crash recovery after kill -9 of the daemon', () => {
  it('counts every leftover process it killed: leader, group members and the one that left the group', async () => {
    const ws = new TestWorkspace(TOOLS);
    try {
      const { runId, taskId, pids } = await startStubborn(ws);

      const first = daemonPid(ws)!;
      process.kill(first, 'SIGKILL');
      await waitFor('the daemon to die', () => !isAlive(first));
      for (const [role, pid] of Object.entries(pids)) expect(isAlive(pid), `${role} outlives the daemon until recovery`).toBe(true);

      expect((await ws.lacp(['daemon', 'start'])).exitCode).toBe(0);
      for (const [role, pid] of Object.entries(pids)) expect(isAlive(pid), `${role} (${pid}) killed by recovery`).toBe(false);
      const summary = 'lost: the daemon ended while the task was running (killed 4 leftover processes)';
      expect(completionOf(validateWorkspaceFiles(ws.root), taskId)).toMatchObject({ status: 'lost', summary });
      expect(readRecord(ws, runId, taskId).outcome?.summary).toBe(summary);
      expect(readFileSync(join(ws.root, '.lacp', 'daemon.log'), 'utf8')).toContain(`task ${taskId} of ${runId}: ${summary}`);
    } finally {
      await disposeChecked(ws);
    }
  }, 120_000);
});
