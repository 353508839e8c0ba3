import { createWriteStream, type WriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';

/**
 * An asciicast v2 recording (`asciinema play` replays it): a header line, then
 * `[seconds, "o", data]` for output and `[seconds, "r", "COLSxROWS"]` for resizes,
 * times relative to the start. The exit is a marker after the last byte.
 */
export class AsciicastWriter {
  private readonly out: WriteStream;
  private readonly startedAt: number;

  constructor(file: string, cols: number, rows: number, env: Record<string, string>, now = Date.now()) {
    this.out = createWriteStream(file);
    this.startedAt = now;
    this.out.write(`${JSON.stringify({ version: 2, width: cols, height: rows, timestamp: Math.floor(now / 1000), env })}\n`);
  }

  output(data: string): void {
    this.event('o', data);
  }

  resize(cols: number, rows: number): void {
    this.event('r', `${cols}x${rows}`);
  }

  exit(exitCode: number | null, signal: string | null): void {
    this.event('m', signal ? `exit ${signal}` : `exit ${exitCode}`);
  }

  close(): Promise<void> {
    this.out.end();
    return finished(this.out).catch(() => undefined);
  }

  private event(type: string, data: string): void {
    const seconds = Number(((Date.now() - this.startedAt) / 1000).toFixed(6));
    this.out.write(`${JSON.stringify([seconds, type, data])}\n`);
  }
}
