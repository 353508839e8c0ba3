import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RunStore } from '../../src/telemetry/run-store.js';
import { TestWorkspace } from '../helpers/workspace.js';

describe('runs/ holds runs as directories', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('lists run directories (a symlinked one too), not files or links named like runs', () => {
    const runs = mkdtempSync(join(tmpdir(), 'lacp-runs-'));
    dirs.push(runs);
    mkdirSync(join(runs, 'RUN-20261124-002'));
    writeFileSync(join(runs, 'RUN-20261124-001'), 'a stray file');
    const elsewhere = mkdtempSync(join(tmpdir(), 'lacp-run-elsewhere-'));
    dirs.push(elsewhere);
    symlinkSync(elsewhere, join(runs, 'RUN-20261124-003'));
    symlinkSync(join(runs, 'RUN-20261124-001'), join(runs, 'RUN-20261124-004'));
    expect(new RunStore(runs).list()).toEqual(['RUN-20261124-002', 'RUN-20261124-003']);
  });

  it('a stray file named like a run stops neither the daemon nor a listing', async () => {
    const ws = new TestWorkspace();
    try {
      mkdirSync(join(ws.root, 'runs'));
      writeFileSync(join(ws.root, 'runs', 'RUN-20261124-060'), '');
      const run = await ws.lacp(['run', 'sh', '--prompt', 'echo hello', '--wait']);
      expect(run.exitCode, String(run.stderr)).toBe(0);
      const ls = await ws.lacp(['ls', '--all']);
      expect(ls.exitCode, String(ls.stderr)).toBe(0);
      expect(ls.stdout).toMatch(/succeeded/);
      expect(ls.stdout).not.toContain('RUN-20261124-060');
      expect((await ws.lacp(['events'])).exitCode).toBe(0);
    } finally {
      await ws.dispose();
    }
  });
});
