import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** 256 random bits: well past the 128 a guessing attacker would need to beat. */
const TOKEN_BYTES = 32;
/** Only the user who owns the workspace may read the token. */
const STATE_FILE_MODE = 0o600;
export const MIRROR_STATE_FILE = 'mirror.json';

export const MirrorState = z.object({
  port: z.number().int().min(1).max(65535),
  token: z.string().regex(/^[0-9a-f]{64}$/),
});
export type MirrorState = z.infer<typeof MirrorState>;

export function newToken(): string {
  return randomBytes(TOKEN_BYTES).toString('hex');
}

/** Compares in constant time, so response timing tells nothing about a guessed prefix. */
export function tokenMatches(expected: string, given: string | null): boolean {
  if (given === null) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function stateFile(stateDir: string): string {
  return join(stateDir, MIRROR_STATE_FILE);
}

/**
 * The mirror's port and token, kept so a restarted daemon serves the same URL and
 * an open page reconnects. Written to a temp file created 0600 and renamed, so the
 * token is never readable by others, not even for a moment.
 */
export function saveMirrorState(stateDir: string, state: MirrorState): void {
  const file = stateFile(stateDir);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(state)}\n`, { mode: STATE_FILE_MODE });
  chmodSync(tmp, STATE_FILE_MODE); // a umask cannot widen it, but an existing tmp file keeps its old mode
  renameSync(tmp, file);
}

/** The saved state, or null when there is none or it is not ours (unparsable). */
export function loadMirrorState(stateDir: string): MirrorState | null {
  try {
    const parsed = MirrorState.safeParse(JSON.parse(readFileSync(stateFile(stateDir), 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function forgetMirrorState(stateDir: string): void {
  rmSync(stateFile(stateDir), { force: true });
}
