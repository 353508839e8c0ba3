/** Names that look like they hold credentials. */
const SECRET_NAME = /(SECRET|TOKEN|PASSWORD|PASSWD|API_?KEY|PRIVATE_?KEY|CREDENTIAL|AUTH|SESSION_?KEY|ACCESS_?KEY)/i;

export const REDACTED = '[redacted]';

/** Redacts values whose names look secret or are listed under `secrets:`. */
export function redactEnv(env: Record<string, string>, listed: readonly string[]): Record<string, string> {
  const named = new Set(listed);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) out[k] = SECRET_NAME.test(k) || named.has(k) ? REDACTED : v;
  return out;
}
