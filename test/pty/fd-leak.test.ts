import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DaemonLog } from '../../src/daemon/daemon-log.js';
import { Daemon } from '../../src/daemon/daemon.js';
import { workspacePaths } from '../../src/workspace/workspace-paths.js';
import { writeFileSync, mkdirSync } from 'node:fs';

const CYCLES = 500;

function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

let root: string | null = null;
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = null;
});

describe('PTY resources', () => {
  it(`${CYCLES} interactive spawn/exit cycles return the daemon's open fd count to where it started, and keep few ended screens`, async () => {
    root = mkdtempSync(join(tmpdir(), 'lacp-fd-'));
    writeFileSync(join(root, 'tools.yaml'), 'version: 1\ndefaults:\n  max_parallel: 8\ntools:\n  blip:\n    mode: interactive\n    cmd: ["true"]\n');
    const paths = workspacePaths(root);
    mkdirSync(paths.stateDir, { recursive: true });
    const daemon = new Daemon(paths, new DaemonLog(paths.logFile));
    // One warm-up task opens the run's telemetry file, which stays open by design, and
    // starts the screen worker. The worker reads its modules for a while after the task
    // ends; its answer about the warm-up screen says it has loaded them and closed them.
    const warm = daemon.submit(submit());
    await daemon.wait(warm.task_id);
    await daemon.screenText(warm.task_id);
    const start = openFds();
    const ids = [];
    for (let i = 0; i < CYCLES; i++) ids.push(daemon.submit(submit()).task_id);
    const outcomes = await Promise.all(ids.map((id) => daemon.wait(id)));
    expect(outcomes.every((o) => o.status === 'succeeded')).toBe(true);
    expect(openFds()).toBe(start);
    // Ended screens are kept for the most recent tasks only: memory does not grow with history.
    await expect(daemon.screenText(ids[0]!)).rejects.toThrow(/has ended \(succeeded, exit 0\); its screen is no longer kept/);
    await expect(daemon.screenText(ids.at(-1)!)).resolves.toMatchObject({ cols: 80, rows: 24 });
    await daemon.shutdown();
  }, 240_000);
});

function submit() {
  return {
    tool: 'blip',
    prompt: null,
    set: {},
    run: null,
    new_run: false,
    phase: null,
    role: null,
    title: null,
    timeout_sec: null,
    started_by: null,
    cols: null,
    rows: null,
  };
}
