/** One-line text entry for the overlays: what a key does to the text being typed. */
export type EditResult = { kind: 'text'; value: string } | { kind: 'submit' } | { kind: 'cancel' };

export function editText(value: string, name: string, ch: string | undefined): EditResult {
  if (name === 'enter') return { kind: 'submit' };
  if (name === 'escape') return { kind: 'cancel' };
  if (name === 'backspace') return { kind: 'text', value: [...value].slice(0, -1).join('') };
  if (name === 'C-u') return { kind: 'text', value: '' };
  if (name === 'C-w') return { kind: 'text', value: value.replace(/\S+\s*$/, '') };
  // Printable input only: a control character typed here must never reach a prompt or the screen.
  if (ch && ch.length >= 1 && !/[\x00-\x1f\x7f-\x9f]/.test(ch)) return { kind: 'text', value: value + ch };
  return { kind: 'text', value };
}

/** `KEY=VALUE KEY2="two words"` as typed in the new-task form. */
export function parseVars(text: string): Record<string, string> | string {
  const out: Record<string, string> = {};
  const re = /\s*([A-Za-z_][A-Za-z0-9_]*)=("((?:[^"\\]|\\.)*)"|\S*)/y;
  let rest = text.trim();
  while (rest) {
    re.lastIndex = 0;
    const m = re.exec(rest);
    if (!m) return `cannot read '${rest.split(/\s/)[0]}': write KEY=VALUE`;
    out[m[1]!] = m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : m[2]!;
    rest = rest.slice(m[0].length).trim();
  }
  return out;
}
