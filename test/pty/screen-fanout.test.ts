import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ScreenPush } from '../../src/core/protocol.js';
import { HIGH_WATERMARK, SEND_WINDOW, STALL_DROP_MS, ScreenFanout } from '../../src/pty/screen-fanout.js';

const ROWS = 5;

function recordingClient() {
  const pushes: ScreenPush[] = [];
  const drops: string[] = [];
  return { pushes, drops, subscriber: { push: (m: ScreenPush) => void pushes.push(m), drop: (reason: string) => void drops.push(reason) } };
}

function lines(from: number, count: number): string {
  let text = '';
  for (let i = from; i < from + count; i++) text += `line ${i}\r\n`;
  return text;
}

const sent = (pushes: ScreenPush[]) => pushes.flatMap((p) => (p.kind === 'data' ? [p.data] : []));

describe('ScreenFanout', () => {
  let paced = false;
  let held: boolean[] = [];
  const fanout = () => new ScreenFanout((h) => held.push(h), () => ROWS, () => paced);

  beforeEach(() => {
    paced = false;
    held = [];
  });

  it('sends output at once while the client is within its window, without the lines it would never show', () => {
    const f = fanout();
    const client = recordingClient();
    f.add(client.subscriber, 3);
    f.data('e', true);
    f.data('cho', true);
    f.data(lines(0, 100), true);
    expect(sent(client.pushes)).toEqual(['e', 'cho', `line 0\r\n${lines(87, 13)}`]); // scrollback 3 + 2 x rows 5
    f.dispose();
  });

  it('gathers for a client past its window, and sends it the latest screen when it acknowledges', () => {
    const f = fanout();
    const client = recordingClient();
    const id = f.add(client.subscriber, 10);
    const first = 'x'.repeat(SEND_WINDOW) + '\r\n';
    f.data(first, true);
    f.data(lines(0, 2000), true);
    f.data(lines(2000, 2000), true);
    expect(sent(client.pushes)).toEqual([first]); // the rest waits for the acknowledgement
    f.ack(id, first.length);
    const latest = sent(client.pushes)[1]!;
    // The first line stays (the cut is after a line break), then the lines that still show:
    // scrollback (10) + 2 x rows (5) of them.
    expect(latest).toBe(`line 0\r\n${lines(3980, 20)}`);
    expect(held).toEqual([]); // a plain flood never holds the task back for a slow client
    f.dispose();
  });

  it('does not trim output that starts inside an escape sequence', () => {
    const f = fanout();
    const client = recordingClient();
    const id = f.add(client.subscriber, 0);
    f.data('y'.repeat(SEND_WINDOW), true);
    f.data(`31m${lines(0, 100)}`, false); // the stream was not between sequences here
    f.ack(id, SEND_WINDOW);
    expect(sent(client.pushes)[1]).toBe(`31m${lines(0, 100)}`);
    f.dispose();
  });

  it('keeps output and control messages in order, sending what gathered first', () => {
    const f = fanout();
    const client = recordingClient();
    f.add(client.subscriber, 0);
    const big = 'z'.repeat(SEND_WINDOW);
    f.data(big, true);
    f.data('after', true);
    f.control({ kind: 'resize', cols: 90, rows: 30 });
    expect(client.pushes).toEqual([
      { kind: 'data', data: big },
      { kind: 'data', data: 'after' },
      { kind: 'resize', cols: 90, rows: 30 },
    ]);
    f.dispose();
  });

  it('holds the task back for a client owed more than the high watermark of output it cannot trim', () => {
    const f = fanout();
    const client = recordingClient();
    const id = f.add(client.subscriber, 0);
    const colored = '\x1b[1mbold\x1b[0m'.repeat(8_000);
    for (let i = 0; i * colored.length <= HIGH_WATERMARK; i++) f.data(colored, true);
    expect(held).toEqual([true]);
    f.ack(id, Infinity); // what gathered goes out with this one...
    expect(held).toEqual([true]);
    f.ack(id, Infinity); // ...and is acknowledged by the next
    expect(held).toEqual([true, false]);
    f.dispose();
  });

  it('while someone types elsewhere, paces the task by how fast each client acknowledges', () => {
    paced = true;
    const f = fanout();
    const client = recordingClient();
    const id = f.add(client.subscriber, 100_000); // keeps every line: nothing is trimmed
    f.data(lines(0, 3000), true); // in flight
    f.data(lines(3000, 3000), true); // gathered: enough to hold the task
    expect(held).toEqual([true]);
    f.ack(id, Infinity);
    expect(held).toEqual([true, false]);
    expect(sent(client.pushes)).toHaveLength(2);
    f.dispose();
  });

  it('counts an acknowledgement sent from within the push (a client in the daemon, the mirror)', () => {
    const f = fanout();
    let id = 0;
    let received = 0;
    id = f.add({ push: (m) => m.kind === 'data' && ((received += m.data.length), f.ack(id, m.data.length)), drop: () => undefined }, 100_000);
    for (let i = 0; i < 10; i++) f.data(`\x1b[1m${'w'.repeat(SEND_WINDOW)}`, true);
    expect(received).toBe(10 * (SEND_WINDOW + 4)); // every chunk went out at once: nothing was owed
    expect(held).toEqual([]);
    f.dispose();
  });

  describe('a client that stops acknowledging', () => {
    beforeEach(() => vi.useFakeTimers());
    afterEach(() => vi.useRealTimers());

    it('is dropped once output has waited for it that long, and the others go on', () => {
      const f = fanout();
      const stalled = recordingClient();
      const healthy = recordingClient();
      f.add(stalled.subscriber, 100_000);
      const healthyId = f.add(healthy.subscriber, 100_000);
      for (let i = 0; i < 10; i++) {
        f.data(lines(i * 5000, 5000), true);
        f.ack(healthyId, Infinity);
        vi.advanceTimersByTime(STALL_DROP_MS / 5);
      }
      expect(stalled.drops).toHaveLength(1);
      expect(healthy.drops).toHaveLength(0);
      expect(sent(healthy.pushes)).toHaveLength(10);
      f.dispose();
    });
  });
});
