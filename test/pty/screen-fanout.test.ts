import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ScreenPush } from '../../src/core/protocol.js';
import { BATCH_MS, ScreenFanout } from '../../src/pty/screen-fanout.js';

function recordingClient() {
  const pushes: ScreenPush[] = [];
  return { pushes, subscriber: { push: (m: ScreenPush) => void pushes.push(m), drop: () => undefined } };
}

// The clock is fake: what counts as "closely" or "a quiet spell" must not depend on how
// busy the machine running the test is.
const afterBatch = () => vi.advanceTimersByTime(BATCH_MS * 3);

describe('ScreenFanout', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends output after a quiet spell at once (a typed echo waits for no clock), and batches what follows closely', () => {
    const fanout = new ScreenFanout(() => undefined);
    const client = recordingClient();
    fanout.add(client.subscriber);
    fanout.data('e');
    expect(client.pushes).toEqual([{ kind: 'data', data: 'e' }]); // synchronously
    fanout.data('ch');
    fanout.data('o');
    expect(client.pushes).toHaveLength(1); // a burst: held for the batch
    afterBatch();
    expect(client.pushes).toEqual([
      { kind: 'data', data: 'e' },
      { kind: 'data', data: 'cho' },
    ]);
    afterBatch(); // quiet again
    fanout.data('$ ');
    expect(client.pushes.at(-1)).toEqual({ kind: 'data', data: '$ ' });
    fanout.dispose();
  });

  it('keeps output and control messages in order', () => {
    const fanout = new ScreenFanout(() => undefined);
    const client = recordingClient();
    fanout.add(client.subscriber);
    fanout.data('a');
    fanout.data('b');
    fanout.control({ kind: 'resize', cols: 90, rows: 30 });
    expect(client.pushes).toEqual([
      { kind: 'data', data: 'a' },
      { kind: 'data', data: 'b' },
      { kind: 'resize', cols: 90, rows: 30 },
    ]);
    fanout.dispose();
  });
});
