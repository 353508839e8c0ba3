import type { ServerResponse } from 'node:http';

/**
 * The page may run only its own scripts, talk only to its own origin, and never be
 * framed. `style-src 'unsafe-inline'` is the one relaxation: xterm.js's DOM renderer
 * writes its theme and cell sizes into <style> elements it creates at run time. No
 * task text is ever inserted as HTML (the page sets textContent only), so inline
 * styles cannot be injected by a task.
 */
const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Files from runs/ are shown as inert text: no script, no style, no subresources, sandboxed. */
const FILE_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'";

const COMMON = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  // The token is in the URL: never hand it to another site in a Referer.
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

export function setPageHeaders(res: ServerResponse): void {
  for (const [k, v] of Object.entries(COMMON)) res.setHeader(k, v);
  res.setHeader('Content-Security-Policy', PAGE_CSP);
}

export function setFileHeaders(res: ServerResponse): void {
  for (const [k, v] of Object.entries(COMMON)) res.setHeader(k, v);
  res.setHeader('Content-Security-Policy', FILE_CSP);
}
