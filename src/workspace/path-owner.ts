import { readFileSync, statSync } from 'node:fs';

/** The account database: names for uids, as `ls -l` shows them. Absent or unreadable: uids alone. */
const PASSWD_FILE = '/etc/passwd';

/**
 * Who owns `path`, when it is not the user lacp runs as: `root (uid 0)`. Null when it is
 * ours (or unknown): then permission bits are the user's to change, and `chmod u+w` helps;
 * a directory of another user's can be fixed only by that user (or by running lacp as them).
 */
export function foreignOwner(path: string): string | null {
  const uid = statSync(path, { throwIfNoEntry: false })?.uid;
  const me = process.getuid?.();
  if (uid === undefined || me === undefined || uid === me) return null;
  return describeUser(uid);
}

/** The user lacp runs as, named the same way. */
export function currentUser(): string {
  const me = process.getuid?.();
  return me === undefined ? 'you' : describeUser(me);
}

function describeUser(uid: number): string {
  const name = userName(uid);
  return name ? `${name} (uid ${uid})` : `uid ${uid}`;
}

function userName(uid: number): string | null {
  let text: string;
  try {
    text = readFileSync(PASSWD_FILE, 'utf8');
  } catch {
    return null;
  }
  for (const line of text.split('\n')) {
    const [name, , id] = line.split(':');
    if (name && id === String(uid)) return name;
  }
  return null;
}
