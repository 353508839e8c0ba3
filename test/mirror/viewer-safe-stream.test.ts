import { describe, expect, it } from 'vitest';
import { ViewerSafeStream, viewerSafe } from '../../src/mirror/viewer-safe-stream.js';

describe('viewer-safe stream', () => {
  it('drops OSC 52 clipboard writes and title changes, BEL- or ST-terminated, and keeps the text around them', () => {
    expect(viewerSafe('a\x1b]52;c;aGVsbG8=\x07b')).toBe('ab');
    expect(viewerSafe('a\x1b]0;EVIL\x1b\\b')).toBe('ab');
    expect(viewerSafe('a\x1b]2;title\x9cb')).toBe('ab');
  });

  it('drops 8-bit OSC, DCS, APC, PM and SOS strings and hyperlinks', () => {
    expect(viewerSafe('a\x9d52;c;eA==\x07b')).toBe('ab');
    expect(viewerSafe('a\x1bP+q544e\x1b\\b')).toBe('ab');
    expect(viewerSafe('a\x1b_apc\x1b\\b\x1b^pm\x1b\\c\x1bXsos\x1b\\d')).toBe('abcd');
    expect(viewerSafe('\x1b]8;;https://evil.example\x07link\x1b]8;;\x07')).toBe('link');
  });

  it('keeps colours, cursor moves and other CSI sequences as they are', () => {
    const drawing = '\x1b[1;31mred\x1b[0m\x1b[2J\x1b[H\x1b[?25l\x1bM\x1b7\x1b8';
    expect(viewerSafe(drawing)).toBe(drawing);
  });

  it('follows a sequence split across chunks, however it is cut', () => {
    const input = 'x\x1b]52;c;aGVsbG8=\x07y\x1b[31mz\x1b]0;t\x1b\\w';
    for (let cut = 0; cut <= input.length; cut++) {
      const stream = new ViewerSafeStream();
      const out = stream.write(input.slice(0, cut)) + stream.write(input.slice(cut)) + stream.end();
      expect(out, `cut at ${cut}`).toBe('xy\x1b[31mzw');
    }
  });

  it('an ESC inside a string aborts it and starts a new escape, as in xterm.js', () => {
    expect(viewerSafe('\x1b]0;unterminated\x1b[31mred')).toBe('\x1b[31mred');
    expect(viewerSafe('\x1b]0;cancelled\x18after')).toBe('after');
  });
});
