/** The part of a headless xterm this reads: its scroll event and which buffer is showing. */
export interface ScrollingTerminal {
  onScroll(listener: () => void): { dispose(): void };
  buffer: { active: { type: string } };
}

/**
 * Calls `onPush` for each line the terminal pushes off its screen into its history. A pane
 * scrolled back moves up by as many lines to keep showing the same ones; counting the
 * history's length would miss them once it is full (2,000 lines), when each new line drops
 * the oldest and the length stays. xterm fires onScroll once per line scrolled; the
 * alternate screen (editors, OpenCode) keeps no history, so its scrolling is not counted.
 * (A scroll region below the top row scrolls without pushing a line; it is counted too.)
 */
export function countHistoryPushes(term: ScrollingTerminal, onPush: () => void): { dispose(): void } {
  // Switching between the screens fires it too, with no line pushed: the first event on a
  // buffer other than the last one seen is that switch.
  let seen = term.buffer.active.type;
  return term.onScroll(() => {
    const now = term.buffer.active.type;
    if (now === 'normal' && seen === 'normal') onPush();
    seen = now;
  });
}
