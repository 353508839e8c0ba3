/**
 * `{name}` placeholders and `${NAME}` environment references. Each template is one
 * argv element (or one env value): a value is substituted as text, never split or
 * joined, and no shell ever sees it. `{{` and `}}` stand for literal braces.
 *
 * Both kinds are expanded in one pass over the template, so a substituted value is
 * never expanded again: a prompt holding `${HOME}` or `{model}` reaches argv as typed.
 */

const TOKEN = /\{\{|\}\}|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The `{placeholder}` names a template uses (`${NAME}` environment references are not placeholders). */
export function placeholdersOf(template: string): string[] {
  const names: string[] = [];
  for (const match of template.matchAll(TOKEN)) if (match[2]) names.push(match[2]);
  return names;
}

export type Expansion = { ok: true; value: string } | { ok: false; missing: string };

/**
 * Fills `{name}` from `values` and `${NAME}` from `env` (an unset variable gives '').
 * Without `env`, `${NAME}` is left as written.
 */
export function expand(
  template: string,
  values: Readonly<Record<string, string | undefined>>,
  env?: Readonly<Record<string, string | undefined>>,
): Expansion {
  let missing: string | undefined;
  const value = template.replace(TOKEN, (token, envName: string | undefined, name: string | undefined) => {
    if (token === '{{') return '{';
    if (token === '}}') return '}';
    if (envName !== undefined) return env ? (env[envName] ?? '') : token;
    const v = values[name!];
    if (v === undefined) missing ??= name;
    return v ?? '';
  });
  return missing === undefined ? { ok: true, value } : { ok: false, missing };
}

/** `${NAME}` alone (the shell builtin's argv): taken from the daemon's environment. */
export function expandEnvRefs(text: string, env: Readonly<Record<string, string | undefined>>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_token, name: string) => env[name] ?? '');
}
