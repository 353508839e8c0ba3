import type { IncomingMessage } from 'node:http';
import { tokenMatches } from './mirror-token.js';

/** The one address the mirror listens on: never a routable interface. */
export const MIRROR_HOST = '127.0.0.1';

export type Refusal = { status: 400 | 403 | 404 | 405; reason: string };

export interface GuardedUrl {
  path: string;
  query: URLSearchParams;
}

/**
 * Checks what every request must pass before anything is read or sent: the `Host`
 * names exactly the loopback address and port we listen on (a DNS-rebound name such
 * as evil.example:PORT is refused), and the token matches. Returns the parsed URL,
 * or why it was refused.
 */
export function checkRequest(req: IncomingMessage, port: number, token: string): GuardedUrl | Refusal {
  const origin = ownOrigin(port);
  if (req.headers.host !== `${MIRROR_HOST}:${port}`) return { status: 403, reason: 'wrong Host' };
  let url: URL;
  try {
    url = new URL(req.url ?? '/', origin);
  } catch {
    return { status: 400, reason: 'bad URL' };
  }
  if (!tokenMatches(token, url.searchParams.get('token'))) return { status: 403, reason: 'wrong or missing token' };
  return { path: url.pathname, query: url.searchParams };
}

/**
 * A WebSocket must come from a page of this very origin: a site the user happens
 * to visit can open a socket to 127.0.0.1 (cross-site WebSocket hijacking), and
 * the browser then sends that site's Origin, which we refuse. A client that sends
 * no Origin at all is refused too: every browser sends one.
 */
export function checkWebSocketOrigin(req: IncomingMessage, port: number): Refusal | null {
  return req.headers.origin === ownOrigin(port) ? null : { status: 403, reason: 'wrong Origin' };
}

export function isRefusal(v: GuardedUrl | Refusal): v is Refusal {
  return 'status' in v;
}

export function ownOrigin(port: number): string {
  return `http://${MIRROR_HOST}:${port}`;
}
