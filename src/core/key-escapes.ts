/**
 * Decodes the escapes `lacp send` understands, as tmux send-keys users write them:
 * `\r` Enter, `\n`, `\t`, `\e` Escape, `\xHH` (e.g. `\x03` Ctrl-C), `\uHHHH`, `\\`.
 * Returns null with the offending escape when one is malformed.
 */
export function decodeKeyEscapes(text: string): { ok: true; value: string } | { ok: false; bad: string } {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = text[i + 1];
    const simple: Record<string, string> = { r: '\r', n: '\n', t: '\t', e: '\x1b', a: '\x07', b: '\b', '0': '\0', '\\': '\\' };
    if (next !== undefined && simple[next] !== undefined) {
      out += simple[next];
      i++;
      continue;
    }
    const hexLength = next === 'x' ? 2 : next === 'u' ? 4 : 0;
    const hex = text.slice(i + 2, i + 2 + hexLength);
    if (hexLength && /^[0-9a-fA-F]+$/.test(hex) && hex.length === hexLength) {
      out += String.fromCharCode(parseInt(hex, 16));
      i += 1 + hexLength;
      continue;
    }
    return { ok: false, bad: text.slice(i, i + 2 + hexLength) || '\\' };
  }
  return { ok: true, value: out };
}
