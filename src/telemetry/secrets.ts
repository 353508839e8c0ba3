/** Names that look like they hold credentials. */
const SECRET_NAME = /(SECRET|TOKEN|PASSWORD|PASSWD|API_?KEY|PRIVATE_?KEY|CREDENTIAL|AUTH|SESSION_?KEY|ACCESS_?KEY)/i;

export const REDACTED = '[redacted]';

/**
 * Shorter secret values are not looked for inside other values: a one-character "token"
 * would redact half of every record.
 */
const MIN_SECRET_VALUE_CHARS = 6;

/**
 * Redacts values whose names look secret or are listed under `secrets:`, and values that
 * carry a secret of the daemon's environment under another name (`GH: ${GITHUB_TOKEN}`).
 * A value that is a JSON object (OPENCODE_CONFIG_CONTENT and its kin) is redacted inside:
 * provider keys hide in such documents under names like `apiKey`.
 */
export function redactEnv(env: Record<string, string>, listed: readonly string[], daemonEnv: Readonly<Record<string, string | undefined>> = {}): Record<string, string> {
  const named = new Set(listed);
  const isSecretName = (k: string) => SECRET_NAME.test(k) || named.has(k);
  const secretValues = Object.entries(daemonEnv)
    .filter((e): e is [string, string] => typeof e[1] === 'string' && e[1].length >= MIN_SECRET_VALUE_CHARS && isSecretName(e[0]))
    .map(([, v]) => v);
  const carriesSecret = (v: string) => secretValues.some((secret) => v.includes(secret));
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) out[k] = isSecretName(k) || carriesSecret(v) ? REDACTED : redactJsonDocument(v);
  return out;
}

function redactJsonDocument(value: string): string {
  if (!value.trimStart().startsWith('{')) return value;
  let doc: unknown;
  try {
    doc = JSON.parse(value);
  } catch {
    return value;
  }
  return JSON.stringify(redactNested(doc));
}

function redactNested(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactNested);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_NAME.test(k) && typeof v === 'string' ? REDACTED : redactNested(v);
  return out;
}
