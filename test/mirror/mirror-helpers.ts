import { request } from 'node:http';
import WebSocket from 'ws';
import { expect } from 'vitest';
import type { TestWorkspace } from '../helpers/workspace.js';

export interface Mirror {
  url: string;
  port: number;
  token: string;
  origin: string;
}

/** `lacp mirror` in the workspace, and its URL taken apart. */
export async function startMirror(ws: TestWorkspace, args: string[] = []): Promise<Mirror> {
  const r = await ws.lacp(['mirror', ...args]);
  expect(r.exitCode, String(r.stderr)).toBe(0);
  const url = String(r.stdout).trim();
  const m = /^http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]{64})$/.exec(url);
  expect(m, url).not.toBeNull();
  const port = Number(m![1]);
  return { url, port, token: m![2]!, origin: `http://127.0.0.1:${port}` };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request with exactly this path and these headers (fetch would normalise `..` and forbid setting Host). */
export function rawRequest(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers: { Host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A WebSocket viewer recording what it gets; `refused` is the HTTP status when the upgrade was refused. */
export class TestViewer {
  readonly messages: Array<Record<string, unknown>> = [];
  /** Pane data per task: how many characters, and the last few (kept apart so a flood costs no joins). */
  readonly dataChars = new Map<string, number>();
  readonly dataTail = new Map<string, string>();
  refused: number | null = null;
  closeCode: number | null = null;
  readonly ws: WebSocket;
  readonly settled: Promise<'open' | 'refused' | 'closed'>;

  constructor(m: Mirror, opts: { origin?: string | null; token?: string; path?: string; host?: string; ackAll?: boolean } = {}) {
    const origin = opts.origin === undefined ? m.origin : opts.origin;
    const headers: Record<string, string> = {};
    if (opts.host) headers.Host = opts.host;
    this.ws = new WebSocket(`ws://127.0.0.1:${m.port}${opts.path ?? '/ws'}?token=${opts.token ?? m.token}`, {
      ...(origin === null ? {} : { origin }),
      headers,
    });
    this.ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as Record<string, unknown>;
      if (message.t === 'data') {
        const id = String(message.task_id);
        const text = String(message.data);
        this.dataChars.set(id, (this.dataChars.get(id) ?? 0) + text.length);
        this.dataTail.set(id, ((this.dataTail.get(id) ?? '') + text).slice(-64));
      } else this.messages.push(message);
      // A viewer that keeps up acknowledges what it got, as the page does once drawn.
      if (opts.ackAll && message.t === 'data') this.ws.send(JSON.stringify({ t: 'ack', chars: String(message.data).length }));
    });
    this.settled = new Promise((resolve) => {
      this.ws.on('open', () => resolve('open'));
      this.ws.on('unexpected-response', (_req, res) => {
        this.refused = res.statusCode ?? 0;
        res.resume();
        resolve('refused');
      });
      this.ws.on('error', () => resolve('closed'));
      this.ws.on('close', (code) => {
        this.closeCode = code;
        resolve('closed');
      });
    });
  }

  of(t: string): Array<Record<string, unknown>> {
    return this.messages.filter((m) => m.t === t);
  }

  /** Closes and waits until the server has answered the close (so it has read all we sent before). */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) return resolve();
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}
