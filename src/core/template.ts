/**
 * `{name}` placeholders. Each template is one argv element (or one env value): a
 * value is substituted as text, never split or joined, and no shell ever sees it.
 * `{{` and `}}` stand for literal braces.
 */

const TOKEN = /\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export function placeholdersOf(template: string): string[] {
  const names: string[] = [];
  for (const match of template.matchAll(TOKEN)) if (match[1]) names.push(match[1]);
  return names;
}

export type Expansion = { ok: true; value: string } | { ok: false; missing: string };

export function expand(template: string, values: Readonly<Record<string, string | undefined>>): Expansion {
  let missing: string | undefined;
  const value = template.replace(TOKEN, (token, name: string | undefined) => {
    if (token === '{{') return '{';
    if (token === '}}') return '}';
    const v = values[name!];
    if (v === undefined) missing ??= name;
    return v ?? '';
  });
  return missing === undefined ? { ok: true, value } : { ok: false, missing };
}

/** `${NAME}` in env values and the shell builtin's argv: taken from the daemon's environment. */
export function expandEnvRefs(text: string, env: Readonly<Record<string, string | undefined>>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_token, name: string) => env[name] ?? '');
}
