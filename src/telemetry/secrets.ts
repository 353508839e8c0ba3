/** Names that look like they hold credentials. */
const SECRET_NAME = /(SECRET|TOKEN|PASSWORD|PASSWD|API_?KEY|PRIVATE_?KEY|CREDENTIAL|AUTH|SESSION_?KEY|ACCESS_?KEY)/i;

export const REDACTED = '[redacted]';

/**
 * Redacts values whose names look secret or are listed under `secrets:`. A value
 * that is a JSON object (OPENCODE_CONFIG_CONTENT and its kin) is redacted inside:
 * provider keys hide in such documents under names like `apiKey`.
 */
export function redactEnv(env: Record<string, string>, listed: readonly string[]): Record<string, string> {
  const named = new Set(listed);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) out[k] = SECRET_NAME.test(k) || named.has(k) ? REDACTED : redactJsonDocument(v);
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
