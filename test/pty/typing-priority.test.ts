import { describe, expect, it } from 'vitest';
import { noteInput, typingElsewhere } from '../../src/pty/typing-priority.js';

describe('typing priority', () => {
  it('paces every PTY but the one typed into', () => {
    const [typedInto, flooding] = [{}, {}];
    noteInput(typedInto);
    expect(typingElsewhere(flooding)).toBe(true);
    expect(typingElsewhere(typedInto)).toBe(false);
  });
});
