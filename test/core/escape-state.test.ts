import { describe, expect, it } from 'vitest';
import { EscapeStateTracker } from '../../src/core/escape-state.js';

const ROWS = 24;

function after(...pieces: string[]): EscapeStateTracker {
  const tracker = new EscapeStateTracker();
  for (const piece of pieces) tracker.feed(piece, ROWS);
  return tracker;
}

describe('EscapeStateTracker', () => {
  it('is in the ground state between sequences, and not inside one split across reads', () => {
    expect(after('plain text\r\n').ground).toBe(true);
    expect(after('red: \x1b[31mhot\x1b[0m').ground).toBe(true);
    expect(after('\x1b').ground).toBe(false);
    expect(after('\x1b[3').ground).toBe(false);
    expect(after('\x1b[3', '1m').ground).toBe(true);
    expect(after('\x1b(', '0').ground).toBe(true); // a charset designation: ESC, intermediate, final
  });

  it('follows OSC and DCS strings to their terminator (BEL, ST, or the C1 ST)', () => {
    expect(after('\x1b]0;title').ground).toBe(false);
    expect(after('\x1b]0;title\x07').ground).toBe(true);
    expect(after('\x1b]8;;http://x\x1b', '\\').ground).toBe(true);
    expect(after('\x1bPq#0;2;0;0;0').ground).toBe(false);
    expect(after('\x1bPq#0;2;0;0;0\x1b\\').ground).toBe(true);
    expect(after('\x9d0;t\x9c').ground).toBe(true);
  });

  it('counts C1 controls as their escape forms, and CAN or SUB cancels a sequence', () => {
    expect(after('\x9b31').ground).toBe(false);
    expect(after('\x9b31m').ground).toBe(true);
    expect(after('\x1b[31\x18').ground).toBe(true);
    expect(after('\x1b]0;t\x1a').ground).toBe(true);
  });

  it('notes a scroll region other than the whole screen, as xterm reads DECSTBM', () => {
    expect(after('\x1b[2;20r').regionEverSet).toBe(true);
    expect(after('\x1b[5r').regionEverSet).toBe(true); // bottom defaults to the last row
    expect(after('\x1b[2:1;20r').regionEverSet).toBe(true); // sub-parameters: taken as set
    expect(after('\x1b[r').regionEverSet).toBe(false); // the whole screen
    expect(after(`\x1b[1;${ROWS}r`).regionEverSet).toBe(false);
    expect(after('\x1b[1;99r').regionEverSet).toBe(false); // past the last row: the last row
    expect(after('\x1b[9;3r').regionEverSet).toBe(false); // not a region: ignored
    expect(after('\x1b[?1;2r').regionEverSet).toBe(false); // a private mode restore, not DECSTBM
  });

  it('keeps a region once seen, even after it is reset', () => {
    expect(after('\x1b[2;20r', '\x1b[r').regionEverSet).toBe(true);
  });
});
