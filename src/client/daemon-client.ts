import { connect, type Socket } from 'node:net';
import { MAX_FRAME_BYTES, PROTOCOL_VERSION, type ErrorCode, type ServerMessage } from '../core/protocol-wire.js';
import { LineFramer } from '../daemon/line-framer.js';

/** An error answer from the daemon, with the code the CLI maps to an exit status. */
export class DaemonError extends Error {
  constructor(
    readonly code: ErrorCode | 'disconnected',
    message: string,
  ) {
    super(message);
    this.name = 'DaemonError';
  }
}

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

/** A connection to the workspace daemon: requests by id, events by subscription. */
export class DaemonClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly subscriptions = new Map<number, (data: unknown) => void>();
  /** Pushes that arrived before their subscriber was registered (same read as the response). */
  private readonly early = new Map<number, unknown[]>();
  private readonly unsubscribed = new Set<number>();
  private readonly closeListeners: (() => void)[] = [];
  private closed = false;

  private constructor(private readonly socket: Socket) {
    const framer = new LineFramer(MAX_FRAME_BYTES);
    socket.on('data', (chunk) => {
      const lines = framer.push(chunk);
      if (lines === null) return socket.destroy();
      for (const line of lines) if (line) this.receive(JSON.parse(line) as ServerMessage);
    });
    socket.on('close', () => this.onClosed());
    socket.on('error', () => socket.destroy());
  }

  /** `signal` abandons the attempt (the promise rejects and the socket is destroyed). */
  static connect(path: string, signal?: AbortSignal): Promise<DaemonClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ path, signal });
      socket.once('connect', () => {
        socket.removeListener('error', reject);
        resolve(new DaemonClient(socket));
      });
      socket.once('error', reject);
    });
  }

  request<T = unknown>(method: string, params: object = {}): Promise<T> {
    if (this.closed) return Promise.reject(new DaemonError('disconnected', 'the daemon connection is closed'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.socket.write(`${JSON.stringify({ v: PROTOCOL_VERSION, id, method, params })}\n`);
    });
  }

  /** Subscribes (e.g. `subscribe_events`) and routes the pushed data to `onData`. */
  async subscribe(method: string, params: object, onData: (data: unknown) => void): Promise<number> {
    const { sub } = await this.request<{ sub: number }>(method, params);
    this.subscribeTo(sub, onData);
    return sub;
  }

  /** Routes pushes of a subscription made by a request whose result carried `sub` (e.g. `attach`). */
  subscribeTo(sub: number, onData: (data: unknown) => void): void {
    this.subscriptions.set(sub, onData);
    const early = this.early.get(sub);
    this.early.delete(sub);
    for (const data of early ?? []) onData(data);
  }

  unsubscribeFrom(sub: number): void {
    this.subscriptions.delete(sub);
    this.early.delete(sub);
    this.unsubscribed.add(sub);
  }

  onClose(fn: () => void): void {
    if (this.closed) fn();
    else this.closeListeners.push(fn);
  }

  close(): void {
    this.socket.end();
    this.socket.destroy();
  }

  private receive(message: ServerMessage): void {
    if (message.type === 'event') {
      const handler = this.subscriptions.get(message.sub);
      if (handler) handler(message.data);
      else if (!this.unsubscribed.has(message.sub)) {
        const queue = this.early.get(message.sub) ?? [];
        queue.push(message.data);
        this.early.set(message.sub, queue);
      }
      return;
    }
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    if (message.ok) pending.resolve(message.result);
    else pending.reject(new DaemonError(message.error.code, message.error.message));
  }

  private onClosed(): void {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.pending.values()) p.reject(new DaemonError('disconnected', 'the daemon went away before answering (see .lacp/daemon.log)'));
    this.pending.clear();
    for (const fn of this.closeListeners.splice(0)) fn();
  }
}
