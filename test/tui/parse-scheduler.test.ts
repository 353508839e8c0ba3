import xtermHeadless from '@xterm/headless';
import { describe, expect, it, vi } from 'vitest';
import { ParseScheduler, type ParseTarget } from '../../src/tui/parse-scheduler.js';

const { Terminal } = xtermHeadless;

/** A parser that records each chunk it is handed and finishes it when told to. */
class RecordingTarget implements ParseTarget {
  readonly chunks: string[] = [];
  private readonly unfinished: Array<() => void> = [];
  write(data: string, done: () => void): void {
    this.chunks.push(data);
    this.unfinished.push(done);
  }
  finishAll(): void {
    for (const done of this.unfinished.splice(0)) done();
  }
  get text(): string {
    return this.chunks.join('');
  }
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

function screenText(term: InstanceType<typeof Terminal>): string {
  const buf = term.buffer.active;
  const lines: string[] = [];
  for (let y = 0; y < buf.length; y++) lines.push(buf.getLine(y)!.translateToString(true));
  return lines.join('\n').trimEnd();
}

describe('ParseScheduler', () => {
  it('hands the selected pane its output at once, whole', () => {
    const scheduler = new ParseScheduler();
    const selected = new RecordingTarget();
    scheduler.select(selected);
    const big = 'x'.repeat(500_000);
    scheduler.write(selected, big, () => undefined);
    expect(selected.chunks).toEqual([big]);
  });

  it('feeds background panes in bounded chunks, one at a time each, and calls back only when a write is wholly parsed', async () => {
    const scheduler = new ParseScheduler();
    const panes = [new RecordingTarget(), new RecordingTarget(), new RecordingTarget(), new RecordingTarget()];
    const done: number[] = [];
    panes.forEach((pane, i) => scheduler.write(pane, String(i).repeat(100_000), () => done.push(i)));
    expect(panes.every((p) => p.chunks.length === 0)).toBe(true); // nothing parsed inside the caller's turn
    await turn();
    // Four flooding panes share one turn's budget: 64 KiB in all, 16 KiB each.
    expect(panes.map((p) => p.chunks.map((c) => c.length))).toEqual([[16_384], [16_384], [16_384], [16_384]]);
    await turn();
    expect(panes[0]!.chunks).toHaveLength(1); // the next chunk waits until the parser finished this one
    while (done.length < 4) {
      for (const pane of panes) pane.finishAll();
      await turn();
    }
    expect(done.sort()).toEqual([0, 1, 2, 3]);
    panes.forEach((pane, i) => expect(pane.text).toBe(String(i).repeat(100_000)));
  });

  it('hands a lone busy pane everything when no pane is selected: nothing else needs the loop', async () => {
    const scheduler = new ParseScheduler();
    const pane = new RecordingTarget();
    scheduler.write(pane, 'y'.repeat(300_000), () => undefined);
    await turn();
    expect(pane.chunks.map((c) => c.length)).toEqual([300_000]);
  });

  it('keeps each pane in order across selection changes, onto real terminals', async () => {
    const scheduler = new ParseScheduler();
    const a = new Terminal({ cols: 40, rows: 5, allowProposedApi: true });
    const b = new Terminal({ cols: 40, rows: 5, allowProposedApi: true });
    const parsed = { a: 0, b: 0 };
    const lines = (tag: string) => Array.from({ length: 3000 }, (_, i) => `${tag}${i}\r\n`).join('');
    scheduler.write(a, lines('a'), () => parsed.a++);
    scheduler.write(b, lines('b'), () => parsed.b++);
    scheduler.select(b); // b is queued behind its own earlier output, then goes at once
    scheduler.write(b, 'b-last', () => parsed.b++);
    scheduler.write(a, 'a-last', () => parsed.a++);
    while (parsed.a < 2 || parsed.b < 2) await turn();
    expect(screenText(a).split('\n').slice(-2)).toEqual(['a2999', 'a-last']);
    expect(screenText(b).split('\n').slice(-2)).toEqual(['b2999', 'b-last']);
    a.dispose();
    b.dispose();
  });

  it('while the user types, holds background panes to a small share per frame, not per turn, and the typed-into pane still goes at once', async () => {
    vi.useFakeTimers(); // frames are timers: a fake clock says exactly when a share is handed
    try {
      const scheduler = new ParseScheduler();
      const selected = new RecordingTarget();
      const background = new RecordingTarget();
      scheduler.typing(10_000);
      scheduler.select(selected);
      scheduler.write(background, 'b'.repeat(20_000), () => undefined);
      scheduler.write(selected, 'echo', () => undefined);
      expect(selected.chunks).toEqual(['echo']);
      await vi.advanceTimersByTimeAsync(0);
      expect(background.chunks).toEqual([]); // a turn of the loop is not enough while typing
      await vi.advanceTimersByTimeAsync(17); // one frame
      expect(background.chunks).toEqual(['b'.repeat(8 * 1024)]); // a keystroke never waits behind a big parse
      background.finishAll();
      await vi.advanceTimersByTimeAsync(0);
      expect(background.chunks).toHaveLength(1); // the next share waits for the next frame
      await vi.advanceTimersByTimeAsync(17);
      expect(background.chunks).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('never splits a surrogate pair between chunks', async () => {
    const scheduler = new ParseScheduler();
    const pane = new RecordingTarget();
    const text = 'a' + '😀'.repeat(60_000); // the 64 KiB cut falls inside a pair
    scheduler.write(pane, text, () => undefined);
    while (pane.text.length < text.length) {
      await turn();
      pane.finishAll();
    }
    for (const chunk of pane.chunks) {
      expect(/[\ud800-\udbff]$/.test(chunk)).toBe(false);
      expect(/^[\udc00-\udfff]/.test(chunk)).toBe(false);
    }
    expect(pane.text).toBe(text);
  });
});
