import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMirror as startFromClient } from '../../src/mirror/mirror-server.js';
import { workspacePaths } from '../../src/workspace/workspace-paths.js';
import { disposeChecked } from '../helpers/runner-checks.js';
import { TestWorkspace } from '../helpers/workspace.js';
import { rawRequest, startMirror } from './mirror-helpers.js';

let ws: TestWorkspace;
beforeAll(() => {
  ws = new TestWorkspace();
});
afterAll(async () => {
  if (ws) await disposeChecked(ws);
});

describe('lacp mirror', () => {
  it('rejects a bad --port with one line and exit 2', async () => {
    for (const port of ['abc', '70000', '-1']) {
      const r = await ws.lacp(['mirror', '--port', port]);
      expect(r.exitCode, port).toBe(2);
      expect(String(r.stderr).trim().split('\n'), port).toHaveLength(1);
      expect(String(r.stderr), port).toContain('--port');
    }
  });

  it('keeps its URL across daemon restarts; lacp-tui gets the same one; --stop forgets the token', async () => {
    const first = await startMirror(ws);
    const fromTui = await startFromClient({ paths: workspacePaths(ws.root), port: 0 });
    expect(fromTui.url).toBe(first.url);
    const other = await ws.lacp(['mirror', '--port', String(first.port === 65535 ? 65534 : first.port + 1)]);
    expect(other.exitCode).toBe(2);
    expect(String(other.stderr)).toContain(`already serves port ${first.port}`);

    expect((await ws.lacp(['daemon', 'stop'])).exitCode).toBe(0);
    await expect(rawRequest(first.port, `/?token=${first.token}`)).rejects.toThrow(/ECONNREFUSED/);
    expect((await ws.lacp(['daemon', 'start'])).exitCode).toBe(0);
    expect((await rawRequest(first.port, `/?token=${first.token}`)).status).toBe(200);
    expect((await startMirror(ws)).url).toBe(first.url);

    expect((await ws.lacp(['mirror', '--stop'])).exitCode).toBe(0);
    expect(existsSync(join(ws.root, '.lacp', 'mirror.json'))).toBe(false);
    await expect(rawRequest(first.port, `/?token=${first.token}`)).rejects.toThrow(/ECONNREFUSED/);
    const again = await startMirror(ws);
    expect(again.token).not.toBe(first.token);
    expect((await rawRequest(again.port, `/?token=${first.token}`)).status).toBe(403);
  });
});
