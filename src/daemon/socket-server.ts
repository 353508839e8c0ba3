import { chmodSync, mkdirSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { MAX_FRAME_BYTES, PROTOCOL_VERSION, Request, RequestError, type ServerMessage } from '../core/protocol.js';
import type { DaemonLog } from './daemon-log.js';
import { LineFramer } from './line-framer.js';

/** One connected client: what handlers may do with it. */
export interface Connection {
  readonly id: number;
  send(message: ServerMessage): void;
  /** Bytes written but not yet taken by the kernel: a slow reader shows here. */
  readonly pendingBytes: number;
  onClose(fn: () => void): void;
  close(): void;
}

export type Handler = (params: unknown, conn: Connection) => unknown;

/** Serves the versioned request/response/event protocol on a unix socket (mode 0600). */
export class SocketServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private nextConnId = 1;

  constructor(
    private readonly handlers: Record<string, Handler>,
    private readonly log: DaemonLog,
  ) {
    this.server = createServer((socket) => this.accept(socket));
  }

  listen(path: string): Promise<void> {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    return new Promise((resolve, reject) => {
      const previous = process.umask(0o177); // the socket is born 0600: no window where others can connect
      this.server.once('error', reject);
      this.server.listen(path, () => {
        process.umask(previous);
        chmodSync(path, 0o600);
        resolve();
      });
    });
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    const framer = new LineFramer(MAX_FRAME_BYTES);
    const closers: (() => void)[] = [];
    const conn: Connection = {
      id: this.nextConnId++,
      send: (message) => {
        if (!socket.destroyed) socket.write(`${JSON.stringify(message)}\n`);
      },
      get pendingBytes() {
        return socket.writableLength;
      },
      onClose: (fn) => closers.push(fn),
      close: () => socket.destroy(),
    };
    socket.on('data', (chunk) => {
      const lines = framer.push(chunk);
      if (lines === null) {
        this.log.warn(`connection ${conn.id}: frame over ${MAX_FRAME_BYTES} bytes, closing`);
        socket.destroy();
        return;
      }
      for (const line of lines) if (line.trim()) void this.dispatch(line, conn);
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.sockets.delete(socket);
      for (const fn of closers.splice(0)) fn();
    });
  }

  private async dispatch(line: string, conn: Connection): Promise<void> {
    let id = 0;
    try {
      const request = Request.parse(JSON.parse(line));
      id = request.id;
      if (request.v !== PROTOCOL_VERSION)
        throw new RequestError('version_mismatch', `protocol v${request.v} is not spoken here (daemon speaks v${PROTOCOL_VERSION}): restart the daemon with lacp daemon stop`);
      const handler = this.handlers[request.method];
      if (!handler) throw new RequestError('bad_request', `unknown method '${request.method}'`);
      const result = await handler(request.params, conn);
      conn.send({ type: 'response', id, ok: true, result: result ?? null });
    } catch (err) {
      if (err instanceof RequestError) {
        conn.send({ type: 'response', id, ok: false, error: { code: err.code, message: err.message } });
      } else if (err instanceof SyntaxError || (err as Error)?.name === 'ZodError') {
        conn.send({ type: 'response', id, ok: false, error: { code: 'bad_request', message: `malformed request: ${(err as Error).message.split('\n')[0]}` } });
      } else {
        this.log.error(`request failed: ${line.slice(0, 200)}`, err);
        conn.send({ type: 'response', id, ok: false, error: { code: 'internal', message: `internal error: ${(err as Error)?.message ?? String(err)} (see .lacp/daemon.log)` } });
      }
    }
  }
}
