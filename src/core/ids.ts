/** Ids: prefixed and time-sortable, short enough to type. */

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** `t-` + milliseconds in base36 (sorts by time) + 3 random characters against collisions in one ms. */
export function newTaskId(now: number, random: () => number = Math.random): string {
  let suffix = '';
  for (let i = 0; i < 3; i++) suffix += ALPHABET[Math.floor(random() * ALPHABET.length)];
  return `t-${now.toString(36)}${suffix}`;
}

export const RUN_ID_PATTERN = /^RUN-(\d{8})-(\d{3,})$/;

export function runId(day: string, counter: number): string {
  return `RUN-${day}-${String(counter).padStart(3, '0')}`;
}

/** UTC day as YYYYMMDD. */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10).replaceAll('-', '');
}

/** Orders run ids oldest first: by day, then by counter (which may pass 999). */
export function compareRunIds(a: string, b: string): number {
  const ma = RUN_ID_PATTERN.exec(a);
  const mb = RUN_ID_PATTERN.exec(b);
  if (!ma || !mb) return a < b ? -1 : a > b ? 1 : 0;
  if (ma[1] !== mb[1]) return ma[1]! < mb[1]! ? -1 : 1;
  return Number(ma[2]) - Number(mb[2]);
}
