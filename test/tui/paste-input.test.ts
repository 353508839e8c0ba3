import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { interceptPastes, PASTE_END, PASTE_START, PasteSplitter, pasteForField, pasteForPane } from '../../src/tui/bracketed-paste.js';

describe('PasteSplitter', () => {
  it('takes a paste out of the keys around it, in order', () => {
    const s = new PasteSplitter();
    expect(s.feed(`ab${PASTE_START}line 1\rline 2${PASTE_END}q`)).toEqual([
      { kind: 'keys', text: 'ab' },
      { kind: 'paste', text: 'line 1\rline 2' },
      { kind: 'keys', text: 'q' },
    ]);
  });

  it('hands over a paste spread over many reads once, when its end marker arrives, markers cut anywhere', () => {
    const whole = `x${PASTE_START}hello\rworld${PASTE_END}y`;
    for (let cut = 1; cut < whole.length; cut++) {
      for (let cut2 = cut + 1; cut2 < whole.length; cut2++) {
        const s = new PasteSplitter();
        const pieces = [whole.slice(0, cut), whole.slice(cut, cut2), whole.slice(cut2)].flatMap((c) => s.feed(c));
        const keys = pieces.filter((p) => p.kind === 'keys').map((p) => p.text).join('');
        expect(pieces.filter((p) => p.kind === 'paste'), `cut at ${cut}, ${cut2}`).toEqual([{ kind: 'paste', text: 'hello\rworld' }]);
        expect(keys, `cut at ${cut}, ${cut2}`).toBe('xy');
      }
    }
  });

  it('holds input ending in a maybe-marker (Escape, ESC [ 2) until flushed, then gives it back as keys', () => {
    const s = new PasteSplitter();
    expect(s.feed('\x1b')).toEqual([]);
    expect(s.flush()).toEqual([{ kind: 'keys', text: '\x1b' }]);
    expect(s.feed('a\x1b[2')).toEqual([{ kind: 'keys', text: 'a' }]);
    expect(s.holding).toBe(true);
    expect(s.flush()).toEqual([{ kind: 'keys', text: '\x1b[2' }]);
    expect(s.feed('\x1b[A')).toEqual([{ kind: 'keys', text: '\x1b[A' }]); // an arrow key is no marker
    // A held Escape that the next read does not continue into a marker stays a key of its own, not Alt-q.
    expect(s.feed('\x1b')).toEqual([]);
    expect(s.feed('q')).toEqual([{ kind: 'keys', text: '\x1b' }, { kind: 'keys', text: 'q' }]);
  });

  it('never flushes in the middle of a paste: the paste waits for its end', () => {
    const s = new PasteSplitter();
    expect(s.feed(`${PASTE_START}abc`)).toEqual([]);
    expect(s.flush()).toEqual([]);
    expect(s.feed(`def${PASTE_END}`)).toEqual([{ kind: 'paste', text: 'abcdef' }]);
  });

  it('hands over a paste whose end never came when told to, and reads keys again after it', () => {
    const s = new PasteSplitter();
    expect(s.feed(`${PASTE_START}abc\x1b[20`)).toEqual([]);
    expect(s.inPaste).toBe(true);
    expect(s.endPaste()).toEqual([{ kind: 'paste', text: 'abc\x1b[20' }]);
    expect(s.feed('q')).toEqual([{ kind: 'keys', text: 'q' }]);
    expect(s.endPaste()).toEqual([]);
  });
});

describe('a paste for a pane and for a text field', () => {
  it('is bracketed only for a program that asked, and cannot close its bracket early', () => {
    expect(pasteForPane('a\rb', true)).toBe(`${PASTE_START}a\rb${PASTE_END}`);
    expect(pasteForPane('a\rb', false)).toBe('a\rb');
    expect(pasteForPane(`x${PASTE_END}rm -rf ~\r${PASTE_START}`, true)).toBe(`${PASTE_START}xrm -rf ~\r${PASTE_END}`);
  });

  it('becomes one line of printable text in a field', () => {
    expect(pasteForField('one\r\ntwo\nthree\rfour\tfive\x1b[31m\x07')).toBe('one two three four five[31m');
  });
});

describe('interceptPastes on a stream', () => {
  it("hands the stream's readers the keys in order, each paste to the callback, and a held Escape after a moment", async () => {
    const input = new PassThrough();
    const seen: string[] = [];
    interceptPastes(input, (text) => seen.push(`paste:${text}`));
    input.on('data', (b: Buffer) => seen.push(`keys:${b.toString()}`));
    input.write(Buffer.from(`a${PASTE_START}q\r`));
    input.write(Buffer.from(`Q${PASTE_END}b`));
    input.write(Buffer.from('\x1b'));
    await once(input, 'data'); // the Escape, given up on as a marker's start
    expect(seen).toEqual(['keys:a', 'paste:q\rQ', 'keys:b', 'keys:\x1b']);
  });

  it('gives up on a paste that stays without its end marker, so the keys after it are keys', async () => {
    const input = new PassThrough();
    const seen: string[] = [];
    const pasted = new Promise<void>((resolve) => interceptPastes(input, (text) => (seen.push(`paste:${text}`), resolve())));
    input.on('data', (b: Buffer) => seen.push(`keys:${b.toString()}`));
    input.write(Buffer.from(`${PASTE_START}half a paste`));
    await pasted; // after the paste's quiet spell, with no end marker
    const next = once(input, 'data'); // before the write: a key that is not held is passed on within it
    input.write(Buffer.from('q'));
    await next;
    expect(seen).toEqual(['paste:half a paste', 'keys:q']);
  });

  it('keeps a UTF-8 character cut between two reads whole', async () => {
    const input = new PassThrough();
    const pasted = new Promise<string>((resolve) => interceptPastes(input, resolve));
    input.resume(); // flowing, as blessed's reader makes stdin
    const bytes = Buffer.from(`${PASTE_START}中${PASTE_END}`);
    const cut = PASTE_START.length + 1; // inside the three bytes of 中
    input.write(bytes.subarray(0, cut));
    input.write(bytes.subarray(cut));
    expect(await pasted).toBe('中');
  });
});
