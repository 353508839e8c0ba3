import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NEWER_WIDE, WIDTH_VERSION } from '../core/display-width.js';

/** The package root: this file is src/mirror/ (tests) or dist/mirror/ (built), two levels down either way. */
const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PAGE_DIR = join(PACKAGE_ROOT, 'assets', 'mirror');
const XTERM_DIR = dirname(createRequire(import.meta.url).resolve('@xterm/xterm/package.json'));
const UNICODE11_DIR = dirname(createRequire(import.meta.url).resolve('@xterm/addon-unicode11/package.json'));
/** Stands for the token in index.html; the token is hex, so it needs no escaping there. */
const TOKEN_MARK = '{{TOKEN}}';

export interface Asset {
  body: Buffer;
  type: string;
}

/**
 * Everything the page loads, read once from the package (no CDN: the mirror works
 * offline). A URL can only name an entry of this table, never a path on disk.
 */
export function loadPageAssets(token: string): { index: Asset; assets: Map<string, Asset> } {
  const read = (file: string) => readFileSync(file);
  const index = read(join(PAGE_DIR, 'index.html')).toString('utf8').replaceAll(TOKEN_MARK, token);
  const assets = new Map<string, Asset>([
    ['mirror-page.js', { body: read(join(PAGE_DIR, 'mirror-page.js')), type: 'text/javascript; charset=utf-8' }],
    ['mirror.css', { body: read(join(PAGE_DIR, 'mirror.css')), type: 'text/css; charset=utf-8' }],
    ['xterm.js', { body: read(join(XTERM_DIR, 'lib', 'xterm.js')), type: 'text/javascript; charset=utf-8' }],
    ['xterm.css', { body: read(join(XTERM_DIR, 'css', 'xterm.css')), type: 'text/css; charset=utf-8' }],
    // The width table the daemon's screens use (display-width.ts): an emoji takes two columns in the page too.
    ['addon-unicode11.js', { body: read(join(UNICODE11_DIR, 'lib', 'addon-unicode11.js')), type: 'text/javascript; charset=utf-8' }],
    ['wide-chars.js', { body: Buffer.from(`globalThis.LACP_WIDTHS = ${JSON.stringify({ version: WIDTH_VERSION, newerWide: NEWER_WIDE })};\n`), type: 'text/javascript; charset=utf-8' }],
  ]);
  return { index: { body: Buffer.from(index), type: 'text/html; charset=utf-8' }, assets };
}
