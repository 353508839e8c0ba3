/**
 * Keystrokes first. For this long after input reaches one PTY, every other PTY is paced
 * by how fast its clients take its output (see ScreenFanout): a background flood that a
 * pane shows trimmed would otherwise run at full speed and take the CPU that the echo
 * of the keystroke needs, in the daemon, the UI and the typed-into program alike. The UI
 * slows its background panes for as long after a key (TYPING_PRIORITY_MS there).
 */
const TYPING_PRIORITY_MS = 250;

let lastInputAt = -Infinity;
let lastInputTo: object | null = null;

/** Input (typed or sent) reached `target`'s PTY. */
export function noteInput(target: object): void {
  lastInputAt = performance.now();
  lastInputTo = target;
}

/** Someone is typing into a PTY other than `target`'s. */
export function typingElsewhere(target: object): boolean {
  return lastInputTo !== target && performance.now() - lastInputAt < TYPING_PRIORITY_MS;
}
