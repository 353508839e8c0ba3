import type xtermHeadless from '@xterm/headless';

type Terminal = InstanceType<typeof xtermHeadless.Terminal>;

/**
 * Whether the program hid the cursor (DECTCEM, CSI ? 25 l). The headless API has no public
 * flag for it and the serializer leaves it out; xterm's core service keeps it.
 */
export function cursorHidden(term: Terminal): boolean {
  return (term as unknown as { _core?: { coreService?: { isCursorHidden?: boolean } } })._core?.coreService?.isCursorHidden === true;
}
