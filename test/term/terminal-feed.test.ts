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
});
