import blessed from 'blessed';
import { describe, expect, it } from 'vitest';
import { blessedTerminal } from '../../src/tui/terminal-type.js';

describe('the terminal type blessed drives', () => {
  it('a terminal announcing 256 colours or true colour is driven as xterm-256color, which blessed reads with 256 colours', () => {
    for (const env of [{ TERM: 'tmux-256color' }, { TERM: 'screen-256color' }, { TERM: 'xterm-256color' }, { TERM: 'xterm-kitty', COLORTERM: 'truecolor' }, { TERM: 'alacritty', COLORTERM: '24bit' }])
      expect(blessedTerminal(env), JSON.stringify(env)).toBe('xterm-256color');
    const tput = (blessed as unknown as { tput(o: { terminal: string }): { colors: number } }).tput({ terminal: 'xterm-256color' });
    expect(tput.colors).toBe(256);
  });

  it('anything else is left to blessed', () => {
    for (const env of [{ TERM: 'screen' }, { TERM: 'vt100' }, { TERM: 'linux' }, {}]) expect(blessedTerminal(env), JSON.stringify(env)).toBeUndefined();
  });
});
