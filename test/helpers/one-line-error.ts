import { expect } from 'vitest';

/**
 * A failure of lacp itself: exactly one line on stderr, `lacp: ...` or a config error located
 * as compilers print them (FILE:LINE:COL message), matching `pattern`; no stack trace, no
 * "internal error", nothing on stdout; exit `code`.
 */
export function expectOneLineError(r: { exitCode?: number; stdout: unknown; stderr: unknown }, code: number, pattern: RegExp): void {
  const stderr = String(r.stderr);
  const seen = `exit ${r.exitCode}, stderr ${JSON.stringify(stderr)}, stdout ${JSON.stringify(String(r.stdout))}`;
  expect(r.exitCode, seen).toBe(code);
  expect(stderr.split('\n'), seen).toHaveLength(1);
  expect(stderr, seen).toMatch(/^(lacp: |\S+:\d+:\d+ )/);
  expect(stderr, seen).toMatch(pattern);
  expect(stderr, seen).not.toMatch(/internal error|\n\s+at |Error:/);
  expect(String(r.stdout), seen).toBe('');
}
