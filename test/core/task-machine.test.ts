import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { initialState, step, type Effect, type Input, type MachineConfig, type TaskState } from '../../src/core/task-machine.js';
import { waitExitCode } from '../../src/core/status.js';

const BASE: MachineConfig = { checkpoint: 'none', timeoutMs: null, idleTimeoutMs: null, killGraceMs: 1000, hasInterruptKeys: false };

/**
 * A minimal shell around the pure machine, as the task driver is: it records the
 * effects and performs the timer effects with (fake) setTimeout.
 */
class Harness {
  state: TaskState = initialState();
  log: Effect[] = [];
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(readonly config: MachineConfig = BASE) {}

  send(input: Input): Effect[] {
    const { state, effects } = step(this.config, this.state, input);
    this.state = state;
    this.log.push(...effects);
    for (const e of effects) {
      if (e.type === 'set_timer') {
        clearTimeout(this.timers.get(e.timer));
        this.timers.set(e.timer, setTimeout(() => this.send({ type: 'timer', timer: e.timer, token: e.token }), e.ms));
      } else if (e.type === 'clear_timer') {
        clearTimeout(this.timers.get(e.timer));
        this.timers.delete(e.timer);
      }
    }
    return effects;
  }

  /** submit, admit, spawned: the task is running. */
  start(pid = 100): this {
    this.send({ type: 'submit' });
    this.send({ type: 'admit' });
    this.send({ type: 'spawned', pid });
    return this;
  }

  kinds(): string[] {
    return this.log.filter((e) => e.type !== 'set_timer' && e.type !== 'clear_timer').map((e) => (e.type === 'signal' ? `signal:${e.signal}` : e.type));
  }

  signals(): string[] {
    return this.log.filter((e) => e.type === 'signal').map((e) => (e as { signal: string }).signal);
  }

  finished() {
    const done = this.log.filter((e) => e.type === 'finish');
    expect(done).toHaveLength(1); // exactly one ending, whatever happens after
    return (done[0] as Extract<Effect, { type: 'finish' }>).outcome;
  }
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('task machine: plain lifecycle', () => {
  it('submit, admit, spawn, start, exit 0: succeeded', () => {
    const h = new Harness();
    expect(h.send({ type: 'submit' })).toEqual([{ type: 'enqueue' }]);
    expect(h.state.stage).toBe('queued');
    expect(h.send({ type: 'admit' })).toEqual([{ type: 'spawn' }]);
    expect(h.state.stage).toBe('spawning');
    expect(h.send({ type: 'spawned', pid: 42 })).toEqual([{ type: 'started', pid: 42 }]);
    expect(h.state.stage).toBe('running');
    h.send({ type: 'exited', exitCode: 0, signal: null });
    expect(h.kinds()).toEqual(['enqueue', 'spawn', 'started', 'process_ended', 'finish']);
    expect(h.finished()).toEqual({ status: 'succeeded', error_class: null, exit_code: 0, signal: null, summary: 'exit 0' });
    expect(h.state.stage).toBe('done');
  });

  it('nonzero exit and death by signal: failed nonzero_exit', () => {
    const a = new Harness().start();
    a.send({ type: 'exited', exitCode: 3, signal: null });
    expect(a.finished()).toMatchObject({ status: 'failed', error_class: 'nonzero_exit', exit_code: 3, summary: 'exit 3' });
    const b = new Harness().start();
    b.send({ type: 'exited', exitCode: null, signal: 'SIGSEGV' });
    expect(b.finished()).toMatchObject({ status: 'failed', error_class: 'nonzero_exit', signal: 'SIGSEGV', summary: 'killed by SIGSEGV' });
  });

  it('spawn failure: failed spawn_error, the slot is freed', () => {
    const h = new Harness();
    h.send({ type: 'submit' });
    h.send({ type: 'admit' });
    h.send({ type: 'spawn_failed', message: 'nope: command not found' });
    expect(h.kinds()).toEqual(['enqueue', 'spawn', 'process_ended', 'finish']);
    expect(h.finished()).toMatchObject({ status: 'failed', error_class: 'spawn_error', summary: 'could not start: nope: command not found' });
  });

  it('exit 0 after the tool reported a failure: failed tool_error; nonzero exit stays nonzero_exit', () => {
    const a = new Harness().start();
    a.send({ type: 'tool_failure', message: 'model said no' });
    a.send({ type: 'tool_failure', message: 'second' });
    a.send({ type: 'exited', exitCode: 0, signal: null });
    expect(a.finished()).toMatchObject({ status: 'failed', error_class: 'tool_error', summary: 'model said no' });
    const b = new Harness().start();
    b.send({ type: 'tool_failure', message: 'x' });
    b.send({ type: 'exited', exitCode: 2, signal: null });
    expect(b.finished()).toMatchObject({ error_class: 'nonzero_exit' });
  });

  it('inputs after the end change nothing', () => {
    const h = new Harness().start();
    h.send({ type: 'exited', exitCode: 0, signal: null });
    for (const input of [
      { type: 'exited', exitCode: 1, signal: null },
      { type: 'cancel', by: 'x', reason: null },
      { type: 'approve' },
      { type: 'reject', reason: null },
      { type: 'spawned', pid: 1 },
      { type: 'admit' },
    ] as Input[])
      expect(h.send(input)).toEqual([]);
    expect(h.finished().status).toBe('succeeded');
  });
});

describe('task machine: cancel', () => {
  it('while queued: cancelled at once, never spawned', () => {
    const h = new Harness();
    h.send({ type: 'submit' });
    h.send({ type: 'cancel', by: 'cli', reason: 'changed my mind' });
    expect(h.kinds()).toEqual(['enqueue', 'cancel_requested', 'finish']);
    expect(h.finished()).toMatchObject({ status: 'cancelled', error_class: 'cancelled', summary: 'cancelled by cli: changed my mind' });
    expect(h.send({ type: 'admit' })).toEqual([]);
  });

  it('while running: SIGINT, grace, SIGTERM, grace, SIGKILL, then nothing more', () => {
    const h = new Harness().start();
    h.send({ type: 'cancel', by: 'cli', reason: null });
    expect(h.signals()).toEqual(['SIGINT']);
    vi.advanceTimersByTime(999);
    expect(h.signals()).toEqual(['SIGINT']);
    vi.advanceTimersByTime(1);
    expect(h.signals()).toEqual(['SIGINT', 'SIGTERM']);
    vi.advanceTimersByTime(1000);
    expect(h.signals()).toEqual(['SIGINT', 'SIGTERM', 'SIGKILL']);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(60_000);
    expect(h.signals()).toEqual(['SIGINT', 'SIGTERM', 'SIGKILL']);
    h.send({ type: 'exited', exitCode: null, signal: 'SIGKILL' });
    expect(h.finished()).toMatchObject({ status: 'cancelled', error_class: 'cancelled', signal: 'SIGKILL' });
  });

  it('a process that exits on SIGINT ends the escalation there', () => {
    const h = new Harness().start();
    h.send({ type: 'cancel', by: 'cli', reason: null });
    h.send({ type: 'exited', exitCode: 130, signal: null });
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(10_000);
    expect(h.signals()).toEqual(['SIGINT']);
    expect(h.finished()).toMatchObject({ status: 'cancelled', exit_code: 130 });
  });

  it('a second cancel is not a second request and does not restart the escalation', () => {
    const h = new Harness().start();
    h.send({ type: 'cancel', by: 'a', reason: null });
    vi.advanceTimersByTime(500);
    expect(h.send({ type: 'cancel', by: 'b', reason: null })).toEqual([]);
    vi.advanceTimersByTime(500);
    expect(h.signals()).toEqual(['SIGINT', 'SIGTERM']);
    h.send({ type: 'exited', exitCode: null, signal: 'SIGTERM' });
    expect(h.finished().summary).toBe('cancelled by a');
  });

  it('while spawning: the signal goes out as soon as the process exists', () => {
    const h = new Harness();
    h.send({ type: 'submit' });
    h.send({ type: 'admit' });
    h.send({ type: 'cancel', by: 'cli', reason: null });
    expect(h.signals()).toEqual([]);
    h.send({ type: 'spawned', pid: 7 });
    expect(h.kinds().slice(-2)).toEqual(['started', 'signal:SIGINT']);
  });

  it('interrupt keys first when the tool has them, then the signals', () => {
    const h = new Harness({ ...BASE, hasInterruptKeys: true }).start();
    h.send({ type: 'cancel', by: 'cli', reason: null });
    expect(h.kinds().slice(-2)).toEqual(['cancel_requested', 'send_interrupt_keys']);
    vi.advanceTimersByTime(1000);
    vi.advanceTimersByTime(1000);
    vi.advanceTimersByTime(1000);
    expect(h.signals()).toEqual(['SIGINT', 'SIGTERM', 'SIGKILL']);
  });
});

describe('task machine: timeouts (fake timers)', () => {
  it('timeout_sec: the escalation starts at the deadline; the outcome is timed_out', () => {
    const h = new Harness({ ...BASE, timeoutMs: 5000, killGraceMs: 200 }).start();
    vi.advanceTimersByTime(4999);
    expect(h.signals()).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(h.signals()).toEqual(['SIGINT']);
    vi.advanceTimersByTime(400);
    expect(h.signals()).toEqual(['SIGINT', 'SIGTERM', 'SIGKILL']);
    h.send({ type: 'exited', exitCode: null, signal: 'SIGKILL' });
    expect(h.finished()).toMatchObject({ status: 'timed_out', error_class: 'timeout', summary: 'timed out after 5s' });
  });

  it('idle timeout: output re-arms it; silence ends the task', () => {
    const h = new Harness({ ...BASE, idleTimeoutMs: 1000 }).start();
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(900);
      h.send({ type: 'output' });
    }
    expect(h.signals()).toEqual([]);
    vi.advanceTimersByTime(1000);
    expect(h.signals()).toEqual(['SIGINT']);
    h.send({ type: 'exited', exitCode: 130, signal: null });
    expect(h.finished()).toMatchObject({ status: 'timed_out', summary: 'no output for 1s' });
  });

  it('no timer runs before the process does: the timeout counts from the start, not the queue', () => {
    const h = new Harness({ ...BASE, timeoutMs: 1000 });
    h.send({ type: 'submit' });
    vi.advanceTimersByTime(10_000);
    expect(h.state.stage).toBe('queued');
    h.send({ type: 'admit' });
    h.send({ type: 'spawned', pid: 1 });
    vi.advanceTimersByTime(999);
    expect(h.signals()).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(h.signals()).toEqual(['SIGINT']);
  });
});

describe('task machine: the first cause of an ending wins', () => {
  it('cancel, then the timeout deadline passes: cancelled, no second stop', () => {
    const h = new Harness({ ...BASE, timeoutMs: 1500, killGraceMs: 1000 }).start();
    const timeoutToken = h.state.timers.timeout!;
    h.send({ type: 'cancel', by: 'cli', reason: null });
    vi.advanceTimersByTime(1500);
    // A timer that fired late with its old token is stale and ignored.
    expect(h.send({ type: 'timer', timer: 'timeout', token: timeoutToken })).toEqual([]);
    h.send({ type: 'exited', exitCode: null, signal: 'SIGTERM' });
    expect(h.finished()).toMatchObject({ status: 'cancelled', error_class: 'cancelled' });
    expect(h.kinds().filter((k) => k === 'cancel_requested')).toHaveLength(1);
  });

  it('timeout, then cancel during the escalation: timed_out, no cancel_requested', () => {
    const h = new Harness({ ...BASE, timeoutMs: 100 }).start();
    vi.advanceTimersByTime(100);
    expect(h.send({ type: 'cancel', by: 'cli', reason: null })).toEqual([]);
    h.send({ type: 'exited', exitCode: null, signal: 'SIGINT' });
    expect(h.finished().status).toBe('timed_out');
    expect(h.kinds()).not.toContain('cancel_requested');
  });

  it('exit and cancel in the same instant: whichever comes first decides', () => {
    const a = new Harness().start();
    a.send({ type: 'exited', exitCode: 0, signal: null });
    a.send({ type: 'cancel', by: 'cli', reason: null });
    expect(a.finished().status).toBe('succeeded');
    const b = new Harness().start();
    b.send({ type: 'cancel', by: 'cli', reason: null });
    b.send({ type: 'exited', exitCode: 0, signal: null });
    expect(b.finished().status).toBe('cancelled');
  });

  it('stale tokens: an idle timer re-armed by output ignores its earlier token', () => {
    const h = new Harness({ ...BASE, idleTimeoutMs: 1000 }).start();
    const first = h.state.timers.idle!;
    h.send({ type: 'output' });
    expect(h.state.timers.idle).not.toBe(first);
    expect(h.send({ type: 'timer', timer: 'idle', token: first })).toEqual([]);
    expect(h.signals()).toEqual([]);
    // and a stale escalate token after the task ended does nothing
    h.send({ type: 'cancel', by: 'cli', reason: null });
    const escalateToken = h.state.timers.escalate!;
    h.send({ type: 'exited', exitCode: 1, signal: null });
    expect(h.send({ type: 'timer', timer: 'escalate', token: escalateToken })).toEqual([]);
    expect(h.signals()).toEqual(['SIGINT']);
  });
});

describe('task machine: checkpoints', () => {
  it('before + approve: waits, then queues and runs', () => {
    const h = new Harness({ ...BASE, checkpoint: 'before' });
    expect(h.send({ type: 'submit' })).toEqual([{ type: 'checkpoint_required', checkpoint: 'before' }]);
    expect(h.state.stage).toBe('awaiting_approval');
    expect(h.send({ type: 'admit' })).toEqual([]); // not queued yet
    expect(h.send({ type: 'approve' })).toEqual([{ type: 'checkpoint_resolved', decision: 'approved', reason: null }, { type: 'enqueue' }]);
    h.send({ type: 'admit' });
    h.send({ type: 'spawned', pid: 9 });
    h.send({ type: 'exited', exitCode: 0, signal: null });
    expect(h.finished().status).toBe('succeeded');
  });

  it('before + reject: failed rejected, never spawned', () => {
    const h = new Harness({ ...BASE, checkpoint: 'before' });
    h.send({ type: 'submit' });
    h.send({ type: 'reject', reason: 'not today' });
    expect(h.kinds()).toEqual(['checkpoint_required', 'checkpoint_resolved', 'finish']);
    expect(h.finished()).toMatchObject({ status: 'failed', error_class: 'rejected', summary: 'rejected: not today' });
  });

  it('after + approve: the result is held, then it is the outcome', () => {
    const h = new Harness({ ...BASE, checkpoint: 'after' }).start();
    h.send({ type: 'exited', exitCode: 4, signal: null });
    expect(h.state.stage).toBe('holding');
    expect(h.kinds().slice(-2)).toEqual(['process_ended', 'checkpoint_required']);
    expect(h.log.some((e) => e.type === 'finish')).toBe(false);
    h.send({ type: 'approve' });
    expect(h.finished()).toMatchObject({ status: 'failed', error_class: 'nonzero_exit', exit_code: 4 });
  });

  it('after + reject: failed rejected, the exit code kept', () => {
    const h = new Harness({ ...BASE, checkpoint: 'after' }).start();
    h.send({ type: 'exited', exitCode: 0, signal: null });
    h.send({ type: 'reject', reason: null });
    expect(h.finished()).toMatchObject({ status: 'failed', error_class: 'rejected', exit_code: 0, summary: 'rejected' });
  });

  it('after, but cancelled while running: no checkpoint, cancelled', () => {
    const h = new Harness({ ...BASE, checkpoint: 'after' }).start();
    h.send({ type: 'cancel', by: 'cli', reason: null });
    h.send({ type: 'exited', exitCode: 130, signal: null });
    expect(h.kinds()).not.toContain('checkpoint_required');
    expect(h.finished().status).toBe('cancelled');
  });

  it('cancel while awaiting approval or holding a result: cancelled', () => {
    const a = new Harness({ ...BASE, checkpoint: 'before' });
    a.send({ type: 'submit' });
    a.send({ type: 'cancel', by: 'cli', reason: null });
    expect(a.finished().status).toBe('cancelled');
    const b = new Harness({ ...BASE, checkpoint: 'after' }).start();
    b.send({ type: 'exited', exitCode: 0, signal: null });
    b.send({ type: 'cancel', by: 'cli', reason: null });
    expect(b.finished()).toMatchObject({ status: 'cancelled', exit_code: 0 });
  });

  it('approve or reject without a checkpoint waiting does nothing', () => {
    const h = new Harness().start();
    expect(h.send({ type: 'approve' })).toEqual([]);
    expect(h.send({ type: 'reject', reason: null })).toEqual([]);
  });
});

describe('lacp run --wait exit codes', () => {
  const o = (status: string, error_class: string | null, exit_code: number | null, signal: string | null = null) =>
    waitExitCode({ status, error_class, exit_code, signal } as Parameters<typeof waitExitCode>[0]);
  it('maps outcomes to the contract numbers', () => {
    expect(o('succeeded', null, 0)).toBe(0);
    expect(o('failed', 'nonzero_exit', 7)).toBe(7);
    expect(o('failed', 'nonzero_exit', null, 'SIGKILL')).toBe(137);
    expect(o('timed_out', 'timeout', null, 'SIGKILL')).toBe(124);
    expect(o('cancelled', 'cancelled', 130)).toBe(130);
    expect(o('failed', 'spawn_error', null)).toBe(1);
    expect(o('failed', 'rejected', null)).toBe(1);
    expect(o('failed', 'tool_error', 0)).toBe(1);
    expect(o('lost', 'lost', null)).toBe(1);
  });
});
