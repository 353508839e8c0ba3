import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { TestWorkspace } from '../helpers/workspace.js';
import { startModelServer, type ModelServer, type Reply } from '../fixtures/model-server.js';

export const MODEL = 'scripted/model-1';
/** Dollars per million tokens the scripted model is priced at, so cost is a known nonzero number. */
export const PRICE = { input: 3, output: 15 };

export interface OpenCodeToolOptions {
  idleTimeoutSec?: number;
  /** OpenCode's own `permission` config (e.g. `{ bash: 'ask' }`: `run` rejects what asks). */
  permission?: Record<string, string>;
  /** More tools for the workspace (the MCP test gives the agent something to start). */
  extraTools?: Record<string, unknown>;
}

/** The interactive twin of `oc`: OpenCode's own TUI in a PTY, same model and environment. */
export const INTERACTIVE_TOOL = 'oc_tui';

/**
 * A workspace whose `oc` tool is the shipped `opencode_batch` shape pointed at our
 * model server, with a throwaway HOME and XDG dirs so nothing of the machine's own
 * OpenCode setup is read and nothing is fetched from the network.
 */
export function openCodeWorkspace(server: ModelServer, opts: OpenCodeToolOptions = {}): TestWorkspace {
  const ws = new TestWorkspace();
  const home = join(ws.root, '.oc-home');
  mkdirSync(home, { recursive: true });
  const [provider, model] = MODEL.split('/') as [string, string];
  const config = {
    provider: {
      [provider]: {
        npm: '@ai-sdk/openai-compatible',
        name: 'Scripted',
        options: { baseURL: server.baseURL, apiKey: 'not-a-key' },
        models: { [model]: { name: 'Scripted model', cost: PRICE } },
      },
    },
    autoupdate: false,
    share: 'disabled',
    ...(opts.permission ? { permission: opts.permission } : {}),
  };
  const env = {
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_CACHE_HOME: join(home, '.cache'),
    XDG_STATE_HOME: join(home, '.local', 'state'),
    OPENCODE_DISABLE_MODELS_FETCH: '1',
    // Braces doubled: tools.yaml templates read `{{` and `}}` as literal braces.
    OPENCODE_CONFIG_CONTENT: JSON.stringify(config).replace(/[{}]/g, (b) => b + b),
  };
  const tools = {
    version: 1,
    defaults: { kill_grace_sec: 1 },
    vars: { model: MODEL },
    tools: {
      oc: {
        mode: 'batch',
        cmd: ['opencode', 'run', '--format', 'json', '--model', '{model}'],
        stdin: '{prompt}',
        timeout_sec: 120,
        ...(opts.idleTimeoutSec ? { idle_timeout_sec: opts.idleTimeoutSec } : {}),
        output: 'opencode-json',
        env,
      },
      [INTERACTIVE_TOOL]: { mode: 'interactive', cmd: ['opencode', '--model', '{model}'], interrupt_keys: ['\u001b', '\u0003'], env },
      ...opts.extraTools,
    },
  };
  // JSON is YAML: no quoting rules to get wrong for the config string.
  writeFileSync(join(ws.root, 'tools.yaml'), JSON.stringify(tools, null, 2));
  return ws;
}

/**
 * The model server and workspace of the test running now, both closed after it. Call it
 * once at a test file's top level (it registers the afterEach); `start` in each test.
 */
export function openCodeFixture() {
  let server: ModelServer | null = null;
  let ws: TestWorkspace | null = null;
  afterEach(async () => {
    await ws?.dispose();
    await server?.close();
    ws = null;
    server = null;
  });
  return {
    async start(script: Reply[], opts: OpenCodeToolOptions = {}): Promise<{ server: ModelServer; ws: TestWorkspace }> {
      server = await startModelServer(script);
      ws = openCodeWorkspace(server, opts);
      return { server, ws };
    },
    get server(): ModelServer {
      if (!server) throw new Error('openCodeFixture: start() was not called in this test');
      return server;
    },
    get ws(): TestWorkspace {
      if (!ws) throw new Error('openCodeFixture: start() was not called in this test');
      return ws;
    },
  };
}
