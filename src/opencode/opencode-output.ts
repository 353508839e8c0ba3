import { appendFileSync } from 'node:fs';
import { LineSplitter, MAX_LINE_CHARS, type SplitLine } from './line-splitter.js';
import { bounded, liftOpenCodeLine } from './opencode-event.js';

/** Costs are summed rounded to 1e-10 dollars: adding many binary fractions would otherwise print as 0.30000000000000004. */
const COST_SCALE = 1e10;

/** Where what OpenCode's stream says goes: the task's telemetry, its machine, its task.json. */
export interface OpenCodeSink {
  toolEvent(type: string, data: Record<string, unknown>, summary: string): void;
  /** The stream reported a failure: an `error` event or a rejected tool call. */
  failure(message: string): void;
  /** Tokens and cost so far, summed over every finished step. */
  usage(total: { tokens: number; cost: number }): void;
}

/**
 * Reads `opencode run --format json` output as it arrives. Lines that are not
 * OpenCode events (a warning, a stack trace) are left to the log and never stop
 * the parsing; text parts are appended to the answer file as they finish.
 */
export class OpenCodeOutput {
  private readonly lines = new LineSplitter();
  private readonly total = { tokens: 0, cost: 0 };
  private answerParts = 0;

  constructor(
    private readonly answerFile: string,
    private readonly sink: OpenCodeSink,
  ) {}

  push(chunk: Buffer | string): void {
    for (const line of this.lines.push(chunk)) this.take(line);
  }

  /** The stream ended: a last line without a newline still counts. */
  end(): void {
    for (const line of this.lines.end()) this.take(line);
  }

  private take(line: SplitLine): void {
    if (line.overlong) {
      this.sink.toolEvent('unparsed_line', { chars_over: MAX_LINE_CHARS }, `a line over ${MAX_LINE_CHARS} chars was not parsed (it is in stdout.log)`);
      return;
    }
    if (!line.text.trim()) return;
    const event = liftOpenCodeLine(line.text);
    if (!event) return;
    this.sink.toolEvent(event.type, event.data, bounded(event.summary));
    if (event.text !== undefined) {
      appendFileSync(this.answerFile, this.answerParts === 0 ? event.text : `\n\n${event.text}`);
      this.answerParts++;
    }
    if (event.usage) {
      this.total.tokens += event.usage.tokens;
      this.total.cost = Math.round((this.total.cost + event.usage.cost) * COST_SCALE) / COST_SCALE;
      this.sink.usage({ ...this.total });
    }
    if (event.failure !== undefined) this.sink.failure(event.failure);
  }
}
