import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { isAlive, readPidFiles, waitFor } from './runner-checks.js';
import type { TestWorkspace } from './workspace.js';

/** Where the fixture's processes write their pids: removed after the file's tests. */
const pidDirs: string[] = [];
afterAll(() => {
  for (const d of pidDirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A directory for the fixture's pid files, removed after the file's tests. */
export function pidDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lacp-pids-'));
  pidDirs.push(dir);
  return dir;
}

/**
 * Starts test/fixtures/stubborn-tree.js through `tool` (a tool whose cmd passes `{dir}`)
 * and waits until all four of its processes (leader, group child, nohup child, setsid
 * escapee) have written their pids; each is alive then.
 */
export async function startStubborn(ws: TestWorkspace, tool = 'stubborn') {
  const dir = pidDir();
  const { runId, taskId, result } = await ws.run([tool, '--set', `dir=${dir}`]);
  expect(result.exitCode, String(result.stderr)).toBe(0);
  const stdout = join(ws.runs.taskDir(runId, taskId), 'stdout.log');
  await waitFor('the fixture to be ready', () => {
    try {
      return readFileSync(stdout, 'utf8').includes('ready');
    } catch {
      return false; // not created yet
    }
  });
  const pids = readPidFiles(dir);
  expect(Object.keys(pids).sort()).toEqual(['background', 'main', 'nohup', 'setsid']);
  for (const pid of Object.values(pids)) expect(isAlive(pid)).toBe(true);
  return { runId, taskId, pids, stdout };
}
