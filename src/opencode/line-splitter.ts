import { StringDecoder } from 'node:string_decoder';

/**
 * A longer line is cut here and counted as overlong: OpenCode puts whole tool outputs
 * on one line (a file read can be megabytes), and memory must stay bounded whatever
 * the tool prints. The log keeps every byte regardless.
 */
export const MAX_LINE_CHARS = 4 << 20;

export interface SplitLine {
  text: string;
  /** The line was longer than MAX_LINE_CHARS; `text` is its beginning. */
  overlong: boolean;
}

/**
 * Splits a byte stream into lines as it arrives: UTF-8 decoded across chunk
 * boundaries, a line split over chunks joined, `\r\n` ended lines trimmed.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';
  private overlong = false;

  push(chunk: Buffer | string): SplitLine[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    const out: SplitLine[] = [];
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      this.append(text.slice(start, nl));
      out.push(this.take());
      start = nl + 1;
    }
    this.append(text.slice(start));
    return out;
  }

  /** The last line, if the stream ended without a newline. */
  end(): SplitLine[] {
    this.append(this.decoder.end());
    return this.partial.length > 0 || this.overlong ? [this.take()] : [];
  }

  private append(piece: string): void {
    if (this.overlong) return;
    if (this.partial.length + piece.length > MAX_LINE_CHARS) {
      this.partial += piece.slice(0, MAX_LINE_CHARS - this.partial.length);
      this.overlong = true;
    } else {
      this.partial += piece;
    }
  }

  private take(): SplitLine {
    const line = { text: this.partial.endsWith('\r') ? this.partial.slice(0, -1) : this.partial, overlong: this.overlong };
    this.partial = '';
    this.overlong = false;
    return line;
  }
}
