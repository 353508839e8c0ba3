import xtermHeadless from '@xterm/headless';
import { describe, expect, it } from 'vitest';
import { TerminalFeed } from '../../src/term/terminal-feed.js';

const { Terminal } = xtermHeadless;

function terminal() {
  return new Terminal({ cols: 40, rows: 5, scrollback: 10, allowProposedApi: true });
}

function firstRow(term: InstanceType<typeof Terminal>): string {
  return term.buffer.active.getLine(term.buffer.active.viewportY)?.translateToString(true) ?? '';
}

/** Longer than any test: a write that waited for it would time the test out. */
const FOREVER = 600_000;

describe('TerminalFeed', () => {
  it('completes writes in order, and an empty write once all before it is parsed and nothing after it', async () => {
    const term = terminal();
    const feed = new TerminalFeed(term);
    const done: string[] = [];
    let atMark = '';
    feed.write('one ', () => done.push('one'));
    feed.write('two', () => done.push('two'));
    feed.write('', () => {
      done.push('mark');
      atMark = firstRow(term);
    });
    await new Promise<void>((resolve) => feed.write(' three', () => resolve()));
    expect(done).toEqual(['one', 'two', 'mark']);
    expect(atMark).toBe('one two');
    expect(firstRow(term)).toBe('one two three');
  });

  it('holds plain text until a point in the stream asks for it', async () => {
    const term = terminal();
    const feed = new TerminalFeed(term, { ms: FOREVER, chars: 1_000_000 });
    let parsed = false;
    feed.write('waiting', () => (parsed = true));
    await new Promise<void>((resolve) => feed.write('', resolve));
    expect(parsed).toBe(true);
    expect(firstRow(term)).toBe('waiting');
  });

  it('does not hold an escape sequence: a query is answered at once', async () => {
    const term = terminal();
    const feed = new TerminalFeed(term, { ms: FOREVER, chars: 1_000_000 });
    feed.write('plain first ', () => undefined);
    const reply = new Promise<string>((resolve) => term.onData(resolve));
    feed.write('\x1b[6n', () => undefined); // cursor position report
    expect(await reply).toBe('\x1b[1;13R');
  });

  it('sends held plain text once it passes the size limit', async () => {
    const term = terminal();
    const feed = new TerminalFeed(term, { ms: FOREVER, chars: 10 });
    await new Promise<void>((resolve) => {
      feed.write('12345', () => undefined);
      feed.write('67890ab', () => resolve());
    });
    expect(firstRow(term)).toBe('1234567890ab');
  });

  it('forgets what it held when the terminal starts over', async () => {
    const term = terminal();
    const feed = new TerminalFeed(term, { ms: FOREVER, chars: 1_000_000 });
    feed.write('stale', () => undefined);
    feed.forget();
    await new Promise<void>((resolve) => {
      feed.write('fresh', () => undefined);
      feed.write('', resolve);
    });
    expect(firstRow(term)).toBe('fresh');
  });

  it('shrinks held plain text to the lines that would not scroll out, completing the writes it folds in at once', async () => {
    const term = terminal();
    // Keeping 20 lines (10 of scrollback, twice 5 rows) leaves about 190 characters of these.
    const feed = new TerminalFeed(term, { ms: FOREVER, chars: 500 });
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i}\r\n`);
    const text = lines.join('');
    const done: number[] = [];
    // Ten writes of ten lines: held text passes 200 characters again and again.
    for (let w = 0; w < 10; w++) feed.write(lines.slice(w * 10, (w + 1) * 10).join(''), () => done.push(w));
    await new Promise((resolve) => setImmediate(resolve));
    // Every write but the last is folded in and done; nothing was parsed (the hold never ran out).
    expect(done).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(term.buffer.active.length).toBe(term.rows);
    expect(firstRow(term)).toBe('');

    await new Promise<void>((resolve) => feed.write('', resolve));
    expect(done).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const reference = terminal();
    await new Promise<void>((resolve) => reference.write(text, resolve));
    expect(allLines(term)).toEqual(allLines(reference));
    expect([term.buffer.active.cursorX, term.buffer.active.cursorY]).toEqual([reference.buffer.active.cursorX, reference.buffer.active.cursorY]);
  });

  it('completes folded writes after the batch being parsed: writes complete in order', async () => {
    const term = terminal();
    const feed = new TerminalFeed(term, { ms: FOREVER, chars: 200 });
    const done: string[] = [];
    feed.write('\x1b[1mbold\x1b[0m\r\n', () => done.push('escape')); // not held: parsed at once
    // Forty lines, one per write: held text is shrunk while the escape's batch is still being parsed.
    for (let w = 0; w < 40; w++) feed.write(`plain line ${w}\r\n`, () => done.push(`plain ${w}`));
    await new Promise<void>((resolve) => feed.write('', resolve));
    expect(done).toEqual(['escape', ...Array.from({ length: 40 }, (_, w) => `plain ${w}`)]);
    expect(firstRow(term)).toBe('plain line 36');
  });
});

function allLines(term: InstanceType<typeof Terminal>): string[] {
  const buffer = term.buffer.active;
  return Array.from({ length: buffer.length }, (_, y) => buffer.getLine(y)?.translateToString(true) ?? '');
}
