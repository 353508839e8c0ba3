import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { installHint, lacpMcpCommand, prepareOpenCodeLaunch, withLacpMcpServer } from '../../src/opencode/opencode-launch.js';
import { portOf } from '../../src/opencode/agent-state.js';
import { REPO } from '../helpers/workspace.js';

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'lacp-oc-launch-'));
  dirs.push(d);
  return d;
}

describe('withLacpMcpServer', () => {
  test('no user config: a config holding only the lacp server', () => {
    expect(JSON.parse(withLacpMcpServer(undefined, '/ws')!)).toEqual({
      mcp: { lacp: { type: 'local', command: lacpMcpCommand('/ws'), enabled: true } },
    });
  });

  test("the user's config is kept whole, their own MCP servers included", () => {
    const user = { model: 'a/b', provider: { a: { options: { baseURL: 'http://x' } } }, mcp: { mine: { type: 'remote', url: 'http://m' } } };
    const merged = JSON.parse(withLacpMcpServer(JSON.stringify(user), '/ws')!);
    expect(merged).toEqual({ ...user, mcp: { mine: user.mcp.mine, lacp: { type: 'local', command: lacpMcpCommand('/ws'), enabled: true } } });
  });

  test('a user entry named lacp wins; content that is not a JSON object is left alone', () => {
    const own = JSON.stringify({ mcp: { lacp: { type: 'local', command: ['my-lacp'] } } });
    expect(withLacpMcpServer(own, '/ws')).toBe(own);
    expect(withLacpMcpServer('{ // jsonc\n}', '/ws')).toBeNull();
    expect(withLacpMcpServer('[1]', '/ws')).toBeNull();
  });

  test('the command starts this lacp by absolute paths', () => {
    expect(lacpMcpCommand('/ws')).toEqual([process.execPath, join(REPO, 'bin', 'lacp.js'), 'mcp', '--workspace', '/ws']);
  });
});

describe('prepareOpenCodeLaunch', () => {
  test('only OpenCode is touched', () => {
    const argv = ['echo', 'hi'];
    const env: Record<string, string> = {};
    prepareOpenCodeLaunch({ argv, addedEnv: env, cwd: '/cwd', mode: 'batch', daemonEnv: { PATH: '/usr/bin' }, workspace: '/ws' });
    expect(argv).toEqual(['echo', 'hi']);
    expect(env).toEqual({});
  });

  test('missing from PATH: taken from the workspace node_modules/.bin; $PWD is the cwd; the user config from the daemon env is merged', () => {
    const ws = tempDir();
    mkdirSync(join(ws, 'node_modules', '.bin'), { recursive: true });
    const bin = join(ws, 'node_modules', '.bin', 'opencode');
    writeFileSync(bin, '#!/bin/sh\n');
    chmodSync(bin, 0o755);
    const argv = ['opencode', 'run'];
    const env: Record<string, string> = {};
    prepareOpenCodeLaunch({ argv, addedEnv: env, cwd: '/some/cwd', mode: 'batch', daemonEnv: { PATH: tempDir(), OPENCODE_CONFIG_CONTENT: '{"model":"a/b"}' }, workspace: ws });
    expect(argv).toEqual([bin, 'run']);
    expect(env.PWD).toBe('/some/cwd');
    expect(JSON.parse(env.OPENCODE_CONFIG_CONTENT!)).toMatchObject({ model: 'a/b', mcp: { lacp: { type: 'local' } } });
  });

  test('on PATH: argv stays as written', () => {
    const onPath = tempDir();
    writeFileSync(join(onPath, 'opencode'), '#!/bin/sh\n');
    chmodSync(join(onPath, 'opencode'), 0o755);
    const argv = ['opencode'];
    prepareOpenCodeLaunch({ argv, addedEnv: {}, cwd: '/cwd', mode: 'batch', daemonEnv: { PATH: onPath }, workspace: tempDir() });
    expect(argv).toEqual(['opencode']);
  });

  test('interactive: a --port is added for the agent state stream, unless the user gave one', () => {
    const argv = ['opencode', '--model', 'a/b'];
    prepareOpenCodeLaunch({ argv, addedEnv: {}, cwd: '/cwd', mode: 'interactive', daemonEnv: {}, workspace: '/ws' });
    expect(argv.slice(0, 4)).toEqual([argv[0], '--model', 'a/b', '--port']);
    expect(portOf(argv)).toBeGreaterThanOrEqual(20_000);
    const own = ['opencode', '--port=4096'];
    prepareOpenCodeLaunch({ argv: own, addedEnv: {}, cwd: '/cwd', mode: 'interactive', daemonEnv: {}, workspace: '/ws' });
    expect(own.slice(1)).toEqual(['--port=4096']);
  });

  test('a missing opencode says how to install it', () => {
    expect(installHint('opencode')).toContain('npm install opencode-ai');
    expect(installHint('other')).toBe('');
  });
});
