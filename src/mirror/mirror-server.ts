import { closeSync, createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { loadPageAssets, type Asset } from './page-assets.js';
import { checkRequest, checkWebSocketOrigin, isRefusal, MIRROR_HOST, type Refusal } from './request-guard.js';
import { openRunFile } from './run-files.js';
import { setFileHeaders, setPageHeaders } from './security-headers.js';
import { ViewerSession, type ScreenSource } from './viewer-session.js';
import { CLOSE_MIRROR_STOPPED } from './wire.js';
import type { MirrorModel } from './mirror-model.js';

/** A viewer sends only small acks; anything bigger closes its socket (ws answers 1009). */
export const MAX_VIEWER_MESSAGE = 1024;
/** A viewer that misses a ping for this long is gone (laptop closed, network cut). */
const PING_INTERVAL_MS = 15_000;

export interface MirrorServerOptions {
  port: number;
  token: string;
  runsDir: string;
  workspace: string;
  model: MirrorModel;
  source: ScreenSource;
}

/**
 * The mirror's HTTP and WebSocket server on 127.0.0.1. Every request passes the
 * guard (Host, token; for the socket also Origin) before any data is read or sent.
 * GET and HEAD only: the page, its assets, files of runs, and the live feed.
 */
export class MirrorServer {
  readonly sessions = new Set<ViewerSession>();
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_VIEWER_MESSAGE, perMessageDeflate: false });
  private readonly page: { index: Asset; assets: Map<string, Asset> };
  private readonly alive = new WeakSet<WebSocket>();
  private pinger: NodeJS.Timeout | null = null;

  private constructor(
    private readonly http: Server,
    private readonly opts: MirrorServerOptions,
    readonly port: number,
  ) {
    this.page = loadPageAssets(opts.token);
    http.on('request', (req, res) => this.request(req, res));
    http.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
    this.pinger = setInterval(() => this.ping(), PING_INTERVAL_MS);
    this.pinger.unref();
  }

  /** Listens on 127.0.0.1:port (0: any free port); rejects with the listen error (EADDRINUSE). */
  static start(opts: MirrorServerOptions): Promise<MirrorServer> {
    const http = createServer();
    return new Promise((resolve, reject) => {
      http.once('error', reject);
      http.listen(opts.port, MIRROR_HOST, () => {
        http.off('error', reject);
        const address = http.address();
        const port = typeof address === 'object' && address ? address.port : opts.port;
        resolve(new MirrorServer(http, opts, port));
      });
    });
  }

  /** `stopped`: closed for good (lacp mirror --stop), else the daemon is stopping and pages should come back. */
  async close(stopped = false): Promise<void> {
    if (this.pinger) clearInterval(this.pinger);
    this.pinger = null;
    for (const session of this.sessions) session.close(stopped ? CLOSE_MIRROR_STOPPED : 1001, stopped ? 'lacp mirror --stop' : 'the mirror is stopping');
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private request(req: IncomingMessage, res: ServerResponse): void {
    setPageHeaders(res);
    const url = checkRequest(req, this.port, this.opts.token);
    if (isRefusal(url)) return this.refuse(res, url, req);
    if (req.method !== 'GET' && req.method !== 'HEAD') return this.refuse(res, { status: 405, reason: 'read-only: GET and HEAD only' }, req);
    if (url.path === '/') return this.sendAsset(req, res, this.page.index);
    if (url.path.startsWith('/assets/')) {
      const asset = this.page.assets.get(url.path.slice('/assets/'.length));
      return asset ? this.sendAsset(req, res, asset) : this.refuse(res, { status: 404, reason: 'no such asset' }, req);
    }
    if (url.path.startsWith('/files/')) return this.sendRunFile(req, res, url.path.slice('/files/'.length));
    this.refuse(res, { status: 404, reason: 'not found' }, req);
  }

  private sendAsset(req: IncomingMessage, res: ServerResponse, asset: Asset): void {
    res.writeHead(200, { 'Content-Type': asset.type, 'Content-Length': asset.body.length });
    res.end(req.method === 'HEAD' ? undefined : asset.body);
  }

  /** Run files are served as plain text whatever their name: a log that contains HTML stays text. */
  private sendRunFile(req: IncomingMessage, res: ServerResponse, path: string): void {
    const file = openRunFile(this.opts.runsDir, path);
    if (!file.ok) return this.refuse(res, file, req);
    setFileHeaders(res);
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': file.stat.size });
    if (req.method === 'HEAD') {
      closeSync(file.fd);
      res.end();
      return;
    }
    // Only the size seen now: a log still growing is served up to here.
    const stream = createReadStream('', { fd: file.fd, start: 0, end: Math.max(0, file.stat.size - 1) });
    if (file.stat.size === 0) {
      stream.destroy();
      res.end();
      return;
    }
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  }

  private refuse(res: ServerResponse, refusal: Refusal, req: IncomingMessage): void {
    req.resume();
    res.writeHead(refusal.status, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(`${refusal.status} ${refusal.reason}\n`);
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = checkRequest(req, this.port, this.opts.token);
    const refusal = isRefusal(url)
      ? url
      : url.path !== '/ws'
        ? ({ status: 404, reason: 'not found' } as const)
        : checkWebSocketOrigin(req, this.port);
    if (refusal) {
      socket.end(`HTTP/1.1 ${refusal.status} ${refusal.reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.connected(ws));
  }

  private connected(ws: WebSocket): void {
    this.alive.add(ws);
    ws.on('pong', () => this.alive.add(ws));
    const session = new ViewerSession(ws, this.opts.source, (s) => this.sessions.delete(s));
    this.sessions.add(session);
    session.start(this.opts.model, this.opts.workspace);
  }

  private ping(): void {
    for (const ws of this.wss.clients) {
      if (!this.alive.has(ws)) {
        ws.terminate();
        continue;
      }
      this.alive.delete(ws);
      ws.ping();
    }
  }
}

/** lacp-tui's --mirror hook looks for this here. */
export { startMirror } from './start-mirror.js';
