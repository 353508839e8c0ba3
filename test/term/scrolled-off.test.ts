import xtermHeadless from '@xterm/headless';
import serializeAddon from '@xterm/addon-serialize';
import { describe, expect, it } from 'vitest';
import { joinWithoutScrolledOff, scrolledOffSpan } from '../../src/core/scrolled-off.js';
import { type HoldPlain, TerminalFeed } from '../../src/term/terminal-feed.js';

const { Terminal } = xtermHeadless;
type HeadlessTerminal = InstanceType<typeof Terminal>;
const COLS = 40;
const ROWS = 8;
const SCROLLBACK = 30;

/** A small deterministic generator (mulberry32): the same streams on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Plain lines of the kinds a flood holds: short, wrapping, tabs, backspaces, wide characters, a lone CR. */
function plainLines(next: () => number, count: number): string {
  const kinds = [
    (i: number) => `${i}`,
    (i: number) => `line ${i} ${'x'.repeat(Math.floor(next() * 90))}`, // wraps at 40 columns
    (i: number) => `a\tb\t${i}`,
    (i: number) => `abc\b\bZ${i}`,
    (i: number) => `中文 ${i} 😀`,
    (i: number) => `overwritten ${i}\rnew`,
  ];
  let text = '';
  for (let i = 0; i < count; i++) text += `${kinds[Math.floor(next() * kinds.length)]!(i)}\r\n`;
  return text;
}

/** Output around a flood: what must survive the skip, or stop it. */
const SCENES: Record<string, (next: () => number) => string> = {
  'a plain flood': (next) => plainLines(next, 400),
  'colours and a moved cursor before the flood': (next) => `\x1b[31mred\x1b[0m\x1b[5;3Hhere\x1b[44m${plainLines(next, 300)}\x1b[0mafter`,
  'a sequence split across the flood': (next) => `${plainLines(next, 150)}\x1b[32mgreen\x1b[0m${plainLines(next, 150)}\x1b]0;title\x07${plainLines(next, 150)}`,
  'a scroll region (no skip)': (next) => `\x1b[2;6r${plainLines(next, 200)}\x1b[r${plainLines(next, 200)}`,
  'the alternate screen': (next) => `${plainLines(next, 100)}\x1b[?1049h${plainLines(next, 200)}\x1b[?1049l${plainLines(next, 50)}`,
  'a flood that ends mid-line': (next) => `${plainLines(next, 300)}no newline yet`,
};

/** Cuts text into pieces of 1 to 3,000 characters, some inside escape sequences and CRLFs. */
function pieces(next: () => number, text: string): string[] {
  const out: string[] = [];
  for (let at = 0; at < text.length; ) {
    const size = 1 + Math.floor(next() * 3000);
    out.push(text.slice(at, at + size));
    at += size;
  }
  return out;
}

function terminal(): HeadlessTerminal {
  return new Terminal({ cols: COLS, rows: ROWS, scrollback: SCROLLBACK, allowProposedApi: true });
}

/** Everything a terminal holds: scrollback and screen with their attributes, the cursor, the buffer in use. */
function state(term: HeadlessTerminal): string {
  const serializer = new serializeAddon.SerializeAddon();
  term.loadAddon(serializer);
  const b = term.buffer.active;
  return `${b.type} ${b.length} ${b.cursorX},${b.cursorY}\n${serializer.serialize()}`;
}

function writeDirect(term: HeadlessTerminal, parts: string[]): Promise<void> {
  return new Promise((resolve) => {
    parts.forEach((part, i) => term.write(part, i === parts.length - 1 ? resolve : undefined));
  });
}

function writeThroughFeed(term: HeadlessTerminal, parts: string[], hold: HoldPlain | null): Promise<void> {
  const feed = new TerminalFeed(term, hold);
  return new Promise((resolve) => {
    parts.forEach((part) => feed.write(part, () => undefined));
    feed.write('', resolve); // a point in the stream: done once all before it is parsed
  });
}

describe('skipping what scrolls out', () => {
  for (const [scene, make] of Object.entries(SCENES)) {
    it(`leaves a terminal exactly as parsing everything does: ${scene}`, async () => {
      for (const seed of [1, 2, 3]) {
        const next = random(seed);
        const parts = pieces(next, make(next));
        const [all, fed, held] = [terminal(), terminal(), terminal()];
        await writeDirect(all, parts);
        await writeThroughFeed(fed, parts, null);
        await writeThroughFeed(held, parts, { ms: 10, chars: 1_000_000 });
        expect(state(fed)).toBe(state(all));
        expect(state(held)).toBe(state(all));
      }
    });
  }

  it('drops a span that starts and ends right after a CRLF and leaves `keep` line feeds after it', () => {
    const text = plainLines(random(7), 100);
    const span = scrolledOffSpan(text, 20)!;
    expect(text.slice(span.from - 2, span.from)).toBe('\r\n');
    expect(text.slice(span.to - 2, span.to)).toBe('\r\n');
    expect(text.slice(span.to).split('\n').length - 1).toBe(20);
    expect(scrolledOffSpan(plainLines(random(7), 10), 20)).toBeNull();
  });

  it('stops at the first character that is not plain text', () => {
    const flood = plainLines(random(8), 100);
    expect(scrolledOffSpan(`${flood}\x1b[1m${flood}`, 20)!.to).toBeLessThan(flood.length);
    expect(scrolledOffSpan(`x\x1b[1m${flood}`, 20)).toBeNull();
  });

  it('joins pieces as dropping from their concatenation would, wherever they are cut', () => {
    for (const seed of [11, 12, 13, 14]) {
      const next = random(seed);
      const text = plainLines(next, 500);
      const span = scrolledOffSpan(text, 64)!;
      const expected = text.slice(0, span.from) + text.slice(span.to);
      expect(joinWithoutScrolledOff(pieces(next, text), 64)).toBe(expected);
      // After a first piece holding a line break, one character a piece: every CRLF split.
      expect(joinWithoutScrolledOff([text.slice(0, 40), ...text.slice(40)], 64)).toBe(expected);
    }
    expect(joinWithoutScrolledOff(['no', 'breaks'], 1)).toBe('nobreaks');
  });
});
