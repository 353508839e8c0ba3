import { StringDecoder } from 'node:string_decoder';

/**
 * Splits a byte stream into lines (the protocol's framing). A multi-byte character
 * split across chunks is kept whole; a line longer than `maxBytes` is an error.
 */
export class LineFramer {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';

  constructor(private readonly maxBytes: number) {}

  /** Returns the complete lines in `chunk`, or null when a line grew past the limit. */
  push(chunk: Buffer): string[] | null {
    const text = this.partial + this.decoder.write(chunk);
    const lines = text.split('\n');
    this.partial = lines.pop()!;
    if (this.partial.length > this.maxBytes) return null;
    return lines;
  }
}
