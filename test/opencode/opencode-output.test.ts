import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { LineSplitter, MAX_LINE_CHARS } from '../../src/opencode/line-splitter.js';
import { DATA_STRING_CHARS, liftOpenCodeLine } from '../../src/opencode/opencode-event.js';
import { OpenCodeOutput, type OpenCodeSink } from '../../src/opencode/opencode-output.js';

// Lines in the shapes `opencode run --format json` (1.18) printed against the scripted model server.
const SESSION = { timestamp: 1795488427048, sessionID: 'ses_1' };
const stepStart = JSON.stringify({ type: 'step_start', ...SESSION, part: { id: 'prt_1', messageID: 'msg_1', sessionID: 'ses_1', type: 'step-start' } });
const text = (t: string) => JSON.stringify({ type: 'text', ...SESSION, part: { id: 'prt_2', type: 'text', text: t, time: { start: 1, end: 2 } } });
const stepFinish = (cost: number) =>
  JSON.stringify({
    type: 'step_finish',
    ...SESSION,
    part: { type: 'step-finish', reason: 'stop', tokens: { total: 120, input: 100, output: 20, reasoning: 0, cache: { write: 0, read: 3 } }, cost },
  });
const toolUse = (state: Record<string, unknown>) => JSON.stringify({ type: 'tool_use', ...SESSION, part: { type: 'tool', tool: 'bash', callID: 'call_1', state } });
const error = JSON.stringify({
  type: 'error',
  ...SESSION,
  error: { name: 'APIError', data: { message: 'bad request', statusCode: 400, isRetryable: false } },
});

describe('LineSplitter', () => {
  test('a line split across chunks, and a multibyte character split across chunks, come out whole', () => {
    const splitter = new LineSplitter();
    const bytes = Buffer.from('first line\nsecond é line\r\nthird');
    const lines: string[] = [];
    const cutInsideE = bytes.indexOf(Buffer.from('é')) + 1;
    for (const piece of [bytes.subarray(0, 4), bytes.subarray(4, cutInsideE), bytes.subarray(cutInsideE)]) lines.push(...splitter.push(piece).map((l) => l.text));
    expect(lines).toEqual(['first line', 'second é line']);
    expect(splitter.end().map((l) => l.text)).toEqual(['third']);
  });

  test('an overlong line is cut and flagged, and the next line is read normally', () => {
    const splitter = new LineSplitter();
    const out = [...splitter.push('x'.repeat(MAX_LINE_CHARS)), ...splitter.push(`${'y'.repeat(10)}\nnext\n`)];
    expect(out.map((l) => [l.text.length, l.overlong])).toEqual([
      [MAX_LINE_CHARS, true],
      [4, false],
    ]);
  });
});

describe('liftOpenCodeLine', () => {
  test('not JSON, or JSON without a type: null, never a throw', () => {
    for (const line of ['', 'warning: something', '{"half":', '[1,2]', '{"no":"type"}', 'null']) expect(liftOpenCodeLine(line)).toBeNull();
  });

  test('step_finish carries tokens and cost as usage', () => {
    const e = liftOpenCodeLine(stepFinish(0.0006))!;
    expect(e.type).toBe('step_finish');
    expect(e.usage).toEqual({ tokens: 120, cost: 0.0006 });
    expect(e.data).toMatchObject({ reason: 'stop', tokens: { total: 120, input: 100, output: 20, reasoning: 0, cache_read: 3, cache_write: 0 }, cost: 0.0006 });
  });

  test('an error event is a failure that names the error and its message', () => {
    const e = liftOpenCodeLine(error)!;
    expect(e.failure).toBe('OpenCode APIError (HTTP 400): bad request');
    expect(e.data).toMatchObject({ name: 'APIError', message: 'bad request', status_code: 400 });
  });

  test('a rejected permission is a failure; an ordinary tool error is not (the model can recover from it)', () => {
    const rejected = liftOpenCodeLine(toolUse({ status: 'error', input: { command: 'rm -rf x' }, error: 'The user rejected permission to use this specific tool call.' }))!;
    expect(rejected.failure).toBe('permission rejected for tool bash ({"command":"rm -rf x"})');
    const failed = liftOpenCodeLine(toolUse({ status: 'error', input: { command: 'false' }, error: 'exit 1' }))!;
    expect(failed.failure).toBeUndefined();
    expect(failed.summary).toContain('tool bash failed: exit 1');
  });

  test('tool output and input are bounded, whatever the tool printed', () => {
    const e = liftOpenCodeLine(toolUse({ status: 'completed', input: { content: 'i'.repeat(50_000) }, output: 'o'.repeat(50_000), title: 'big' }))!;
    expect(JSON.stringify(e.data).length).toBeLessThan(3 * DATA_STRING_CHARS + 1_000);
    expect(e.data.output).toMatch(/… \(48000 more chars\)$/);
  });

  test('an unknown type is kept by name, its line bounded', () => {
    const e = liftOpenCodeLine(JSON.stringify({ type: 'something_new', blob: 'z'.repeat(10_000) }))!;
    expect(e.type).toBe('something_new');
    expect(String(e.data.raw).length).toBeLessThan(DATA_STRING_CHARS + 50);
  });
});

describe('OpenCodeOutput', () => {
  let dir: string | null = null;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = null;
  });

  function collect() {
    dir = mkdtempSync(join(tmpdir(), 'lacp-oc-out-'));
    const seen = { events: [] as [string, string][], failures: [] as string[], usage: null as { tokens: number; cost: number } | null };
    const sink: OpenCodeSink = {
      toolEvent: (type, _data, summary) => seen.events.push([type, summary]),
      failure: (m) => seen.failures.push(m),
      usage: (u) => (seen.usage = u),
    };
    const answer = join(dir, 'answer.md');
    return { seen, answer, output: new OpenCodeOutput(answer, sink) };
  }

  test('a stream fed in odd-sized chunks with foreign lines: events in order, usage summed, text kept as the answer', () => {
    const { seen, answer, output } = collect();
    const stream = [stepStart, 'not json at all', text('Part one.'), stepFinish(0.1), stepStart, text('Part two.'), stepFinish(0.2), '{"torn":'].join('\n');
    for (let i = 0; i < stream.length; i += 7) output.push(Buffer.from(stream.slice(i, i + 7)));
    output.end();
    expect(seen.events.map(([t]) => t)).toEqual(['step_start', 'text', 'step_finish', 'step_start', 'text', 'step_finish']);
    expect(seen.usage).toEqual({ tokens: 240, cost: 0.3 });
    expect(seen.failures).toEqual([]);
    expect(readFileSync(answer, 'utf8')).toBe('Part one.\n\nPart two.');
  });

  test('an error event reaches the sink as a failure; no text, no answer file', () => {
    const { seen, answer, output } = collect();
    output.push(`${stepStart}\n${error}\n`);
    output.end();
    expect(seen.failures).toEqual(['OpenCode APIError (HTTP 400): bad request']);
    expect(existsSync(answer)).toBe(false);
  });
});
