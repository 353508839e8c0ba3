import { mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DaemonClient } from '../../src/client/daemon-client.js';
import type { ScreenText } from '../../src/core/protocol.js';
import { workspacePaths } from '../../src/workspace/workspace-paths.js';
import { disposeChecked, waitFor } from '../helpers/runner-checks.js';
import { TestWorkspace } from '../helpers/workspace.js';
import { UNACKED_CAP } from '../../src/mirror/viewer-session.js';
import { rawRequest, startMirror, TestViewer, type Mirror } from './mirror-helpers.js';

const TOOLS = `version: 1
defaults:
  kill_grace_sec: 0.3
tools:
  bash:
    mode: interactive
    cmd: ["bash", "--norc", "--noprofile", "-i"]
    env: { PS1: "$ " }
  flood:
    mode: interactive
    cmd: ["node", "-e", "process.stdout.write('y'.repeat(6000000)); process.stdout.write('FLOOD-DONE')"]
`;

// One workspace and mirror for the file: every check here leaves them as they were.
let ws: TestWorkspace;
let mirror: Mirror;
beforeAll(async () => {
  ws = new TestWorkspace(TOOLS);
  mirror = await startMirror(ws);
});
afterAll(async () => {
  if (ws) await disposeChecked(ws);
});

async function setup(): Promise<Mirror> {
  return mirror;
}

/** The task's screen as the daemon has it (a socket request: polling the CLI costs a process per look). */
async function screen(taskId: string): Promise<ScreenText> {
  const client = await DaemonClient.connect(workspacePaths(ws.root).socket);
  try {
    return await client.request<ScreenText>('screen', { task_id: taskId });
  } finally {
    client.close();
  }
}

async function screenText(taskId: string): Promise<string> {
  return (await screen(taskId)).lines.join('\n');
}

describe('mirror: who may connect', () => {
  it('keeps the token in .lacp/mirror.json (0600), never in the daemon log, and listens on 127.0.0.1 only', async () => {
    const m = await setup();
    const file = join(ws.root, '.lacp', 'mirror.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ port: m.port, token: m.token });
    expect(readFileSync(join(ws.root, '.lacp', 'daemon.log'), 'utf8')).not.toContain(m.token);
    // /proc/net/tcp lists every listening socket; ours must be bound to 127.0.0.1 (0100007F), nothing else.
    const hexPort = m.port.toString(16).toUpperCase().padStart(4, '0');
    const tables = ['/proc/net/tcp', '/proc/net/tcp6'].map((f) => readFileSync(f, 'utf8')).join('\n');
    const listening = tables.split('\n').filter((l) => l.includes(`:${hexPort} `) && / 0A /.test(l)).map((l) => l.trim().split(/\s+/)[1]);
    expect(listening).toEqual([`0100007F:${hexPort}`]);
    // The same URL again: the mirror is already running.
    expect((await startMirror(ws)).url).toBe(m.url);
  });

  it('refuses a missing or wrong token with 403 and no page', async () => {
    const m = await setup();
    const ok = await rawRequest(m.port, `/?token=${m.token}`);
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('lacp mirror');
    const wrongSameLength = m.token.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'));
    for (const path of ['/', '/?token=', `/?token=${wrongSameLength}`, '/?token=abc', `/assets/xterm.js`, `/assets/mirror-page.js?token=${wrongSameLength}`]) {
      const r = await rawRequest(m.port, path);
      expect(r.status, path).toBe(403);
      expect(r.body, path).not.toContain('<html');
      expect(r.body.length, path).toBeLessThan(100);
    }
  });

  it('refuses a Host other than 127.0.0.1:PORT (DNS rebinding)', async () => {
    const m = await setup();
    for (const host of [`evil.example:${m.port}`, `localhost:${m.port}`, `127.0.0.1:${m.port + 1}`, '127.0.0.1', `127.0.0.1.nip.io:${m.port}`]) {
      const r = await rawRequest(m.port, `/?token=${m.token}`, { Host: host });
      expect(r.status, host).toBe(403);
      expect(r.body, host).not.toContain('<html');
    }
  });

  it('refuses a WebSocket with a foreign, missing or other-port Origin, a wrong token or a wrong Host', async () => {
    const m = await setup();
    const cases: Array<[string, ConstructorParameters<typeof TestViewer>[1]]> = [
      ['foreign origin', { origin: 'http://evil.example' }],
      ['origin of another port', { origin: `http://127.0.0.1:${m.port + 1}` }],
      ['localhost origin', { origin: `http://localhost:${m.port}` }],
      ['no origin', { origin: null }],
      ['wrong token', { token: '0'.repeat(64) }],
      ['rebound host', { host: `evil.example:${m.port}` }],
      ['other path', { path: '/socket' }],
    ];
    for (const [name, opts] of cases) {
      const viewer = new TestViewer(m, opts);
      expect(await viewer.settled, name).toBe('refused');
      expect(viewer.refused, name).toBeGreaterThanOrEqual(403);
      expect(viewer.messages, name).toEqual([]);
    }
    const good = new TestViewer(m);
    expect(await good.settled).toBe('open');
    await waitFor('hello and tree', () => good.of('hello').length === 1 && good.of('tree').length >= 1);
    await good.close();
  });

  it('serves nothing but GET and HEAD', async () => {
    const m = await setup();
    for (const method of ['POST', 'PUT', 'DELETE']) expect((await rawRequest(m.port, `/?token=${m.token}`, {}, method)).status, method).toBe(405);
    const head = await rawRequest(m.port, `/?token=${m.token}`, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it('sends a strict Content-Security-Policy and no Referer with every page', async () => {
    const m = await setup();
    const r = await rawRequest(m.port, `/?token=${m.token}`);
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('mirror: what a viewer can do', () => {
  it('closes a viewer that sends a message bigger than the limit (1009)', async () => {
    const m = await setup();
    const viewer = new TestViewer(m);
    expect(await viewer.settled).toBe('open');
    const closed = new Promise<number>((resolve) => viewer.ws.once('close', (code) => resolve(code)));
    viewer.ws.send(JSON.stringify({ t: 'ack', chars: 1, pad: 'x'.repeat(64 * 1024) }));
    expect(await closed).toBe(1009);
  });

  it('ignores everything a viewer sends: no input, resize or command reaches a task', async () => {
    const m = await setup();
    const { taskId } = await ws.run(['bash']);
    await waitFor('the prompt', async () => (await screenText(taskId)).includes('$'));
    const viewer = new TestViewer(m);
    expect(await viewer.settled).toBe('open');
    await waitFor('the pane snapshot', () => viewer.of('pane').some((p) => p.task_id === taskId));
    const attempts = [
      'echo PWNED-RAW\r',
      JSON.stringify({ t: 'input', task_id: taskId, data: 'echo PWNED-INPUT\r' }),
      JSON.stringify({ v: 1, id: 1, method: 'input', params: { task_id: taskId, data: 'echo PWNED-METHOD\r' } }),
      JSON.stringify({ v: 1, id: 2, method: 'resize', params: { task_id: taskId, cols: 20, rows: 5 } }),
      JSON.stringify({ t: 'resize', task_id: taskId, cols: 20, rows: 5 }),
      JSON.stringify({ v: 1, id: 3, method: 'cancel', params: { task_ids: [taskId] } }),
      JSON.stringify({ v: 1, id: 4, method: 'stop', params: {} }),
      JSON.stringify({ t: 'ack', chars: -5 }),
      JSON.stringify({ t: 'ack', chars: 1e300 }),
    ];
    for (const a of attempts) viewer.ws.send(a);
    viewer.ws.send(Buffer.from('echo PWNED-BINARY\r'), { binary: true });
    // The server has read all of it once it answers our close.
    await viewer.close();
    expect(viewer.closeCode).toBe(1005);

    await ws.lacp(['send', taskId, 'echo "mark-$((6*7))"\\r']);
    const shown = await waitFor('the marker', async () => {
      const s = await screenText(taskId);
      return s.includes('mark-42') && s;
    });
    expect(shown).not.toContain('PWNED');
    const size = await screen(taskId);
    expect([size.cols, size.rows]).toEqual([80, 24]);
    expect(ws.taskEvents(taskId).map((e) => e.event)).not.toContain('cancel_requested');
    expect((await ws.lacp(['daemon', 'status'])).exitCode).toBe(0);
    const log = readFileSync(join(ws.runs.taskDir(ws.runs.newest()!, taskId), 'stdout.log'), 'utf8');
    expect(log).not.toContain('PWNED');
  });

  it('drops a viewer that does not keep up, without holding the task or the other viewers back', async () => {
    const m = await setup();
    const { taskId } = await ws.run(['bash']);
    const slow = new TestViewer(m); // reads, but never acknowledges what it drew
    const good = new TestViewer(m, { ackAll: true });
    expect(await slow.settled).toBe('open');
    expect(await good.settled).toBe('open');
    await waitFor('the pane', () => slow.of('pane').some((p) => p.task_id === taskId) && good.of('pane').some((p) => p.task_id === taskId));
    const flood = await ws.run(['flood']);
    await waitFor('the slow viewer to be dropped', () => slow.ws.readyState === slow.ws.CLOSED, 30_000);
    await waitFor('the good viewer to get the whole flood', () => good.dataTail.get(flood.taskId)?.endsWith('FLOOD-DONE') || good.closeCode !== null, 30_000);
    expect(good.closeCode).toBeNull();
    // Far more than the unacknowledged limit went through to it: it kept up, so it was never cut off.
    expect(good.dataChars.get(flood.taskId)).toBeGreaterThan(UNACKED_CAP);
    expect(good.ws.readyState).toBe(good.ws.OPEN);
    await good.close();
    expect(slow.closeCode).toBe(1006); // cut off, not closed politely: its queue was already too long
    const done = await waitFor('the flood task to end', () => ws.taskEvents(flood.taskId).find((e) => e.event === 'task_completed'), 30_000);
    expect(done.status).toBe('succeeded');
    // A new viewer catches up from a snapshot: the flood's last screen.
    const fresh = new TestViewer(m);
    expect(await fresh.settled).toBe('open');
    const pane = await waitFor('the flood pane', () => fresh.of('pane').find((p) => p.task_id === flood.taskId));
    expect(String(pane.snapshot)).toContain('FLOOD-DONE');
    await fresh.close();
  });
});

describe('mirror: files of runs', () => {
  it('serves a task log as plain text, sandboxed, even when it holds HTML', async () => {
    const m = await setup();
    const { runId, taskId } = await ws.run(['sh', '--prompt', "echo '<script>alert(1)</script>'", '--wait']);
    const r = await rawRequest(m.port, `/files/${runId}/tasks/${taskId}/stdout.log?token=${m.token}`);
    expect(r.status).toBe(200);
    expect(r.body).toBe('<script>alert(1)</script>\n');
    expect(r.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(String(r.headers['content-security-policy'])).toContain('sandbox');
    expect((await rawRequest(m.port, `/files/${runId}/tasks/${taskId}/stdout.log`)).status).toBe(403);
  });

  it('refuses path traversal, encoded separators and paths outside a run', async () => {
    const m = await setup();
    const { runId, taskId } = await ws.run(['sh', '--prompt', 'true', '--wait']);
    writeFileSync(join(ws.root, 'secret.txt'), 'TOP-SECRET');
    const q = `?token=${m.token}`;
    const paths = [
      `/files/../secret.txt`,
      `/files/${runId}/../../secret.txt`,
      `/files/${runId}/%2e%2e/%2e%2e/secret.txt`,
      `/files/${runId}/tasks%2F..%2F..%2F..%2Fsecret.txt`,
      `/files/${runId}/tasks/${taskId}/..%2F..%2F..%2F..%2Fsecret.txt`,
      `/files/%2e%2e/secret.txt`,
      `/files/${runId}/tasks/${taskId}/stdout.log%00.txt`,
      `/files//etc/passwd`,
      `/files/${runId}/telemetry.jsonl/..`,
      `/files/RUN-1/x`,
      `/files/${runId}/tasks/${taskId}`,
      `/assets/../package.json`,
      `/assets/%2e%2e%2fpackage.json`,
    ];
    for (const p of paths) {
      const r = await rawRequest(m.port, p + q);
      expect([400, 403, 404], p).toContain(r.status);
      expect(r.body, p).not.toContain('TOP-SECRET');
      expect(r.body, p).not.toContain('"name"');
    }
    expect((await rawRequest(m.port, `/files/${runId}/telemetry.jsonl${q}`)).status).toBe(200);
  });

  it('refuses a symlink whose target is outside runs/, and follows one that stays inside', async () => {
    const m = await setup();
    const { runId, taskId } = await ws.run(['sh', '--prompt', 'echo inside', '--wait']);
    const artifacts = join(ws.runs.taskDir(runId, taskId), 'artifacts');
    mkdirSync(artifacts, { recursive: true });
    writeFileSync(join(ws.root, 'secret.txt'), 'TOP-SECRET');
    symlinkSync(join(ws.root, 'secret.txt'), join(artifacts, 'escape.txt'));
    symlinkSync(ws.root, join(artifacts, 'escape-dir'));
    symlinkSync('../stdout.log', join(artifacts, 'inside.txt'));
    const q = `?token=${m.token}`;
    const base = `/files/${runId}/tasks/${taskId}/artifacts`;
    for (const p of [`${base}/escape.txt`, `${base}/escape-dir/secret.txt`]) {
      const r = await rawRequest(m.port, p + q);
      expect(r.status, p).toBe(404);
      expect(r.body, p).not.toContain('TOP-SECRET');
    }
    const inside = await rawRequest(m.port, `${base}/inside.txt${q}`);
    expect(inside.status).toBe(200);
    expect(inside.body).toBe('inside\n');
  });
});
