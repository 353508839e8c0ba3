import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DaemonLog } from '../../src/daemon/daemon-log.js';
import { Daemon } from '../../src/daemon/daemon.js';
import { taskBaseEnv } from '../../src/runner/task-base-env.js';
import { workspacePaths } from '../../src/workspace/workspace-paths.js';

let root: string | null = null;
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = null;
});

function submit(tool: string) {
  return { tool, prompt: null, set: {}, run: null, new_run: false, phase: null, role: null, title: null, timeout_sec: null, started_by: null, cols: null, rows: null };
}

describe('ended tasks', () => {
  it('only the most recent stay in memory; older ones are answered from their task.json', async () => {
    root = mkdtempSync(join(tmpdir(), 'lacp-ended-'));
    writeFileSync(join(root, 'tools.yaml'), 'version: 1\ntools:\n  ok:\n    cmd: ["true"]\n  bad:\n    cmd: ["sh", "-c", "exit 3"]\n');
    const paths = workspacePaths(root);
    mkdirSync(paths.stateDir, { recursive: true });
    const daemon = new Daemon(paths, new DaemonLog(paths.logFile), taskBaseEnv(), 3);
    const first = daemon.submit(submit('bad')).task_id;
    expect(await daemon.wait(first)).toMatchObject({ status: 'failed', exit_code: 3 });
    const later = [];
    for (let i = 0; i < 5; i++) {
      later.push(daemon.submit(submit('ok')).task_id);
      await daemon.wait(later.at(-1)!); // one after another: they end in this order
    }

    expect(daemon.status().tasks).toBe(3); // the three most recent ended tasks
    expect(daemon.liveTasks().map((t) => t.task_id)).toEqual(later.slice(-3));
    // The first is gone from memory but still answers as it ended.
    const fromDisk = { task_id: first, status: 'failed', exit_code: 3, signal: null, error_class: 'nonzero_exit' };
    expect(await daemon.wait(first)).toMatchObject(fromDisk);
    expect(await daemon.cancel([first], null, 'test', null)).toMatchObject([fromDisk]);
    expect(() => daemon.approve(first)).toThrow(/has ended \(failed, exit 3\): no checkpoint to resolve/);
    await expect(daemon.wait('t-neverexisted')).rejects.toThrow(/no task t-neverexisted/);
    await daemon.shutdown();
  });
});
