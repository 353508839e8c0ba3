import type { CheckpointKind, ErrorClass, TaskStatus } from './status.js';

/**
 * The task lifecycle as a pure function: `step(state, input) -> { state, effects }`.
 * A thin shell (src/runner/task-driver.ts) performs the effects and feeds back
 * inputs. Timers carry a token; a timer whose token is no longer current is stale
 * and ignored, so a timeout armed in an earlier stage can never fire into a later one.
 */

export interface MachineConfig {
  checkpoint: CheckpointKind;
  timeoutMs: number | null;
  idleTimeoutMs: number | null;
  killGraceMs: number;
  /** Interactive tools may declare keys (Ctrl-C, Escape) to try before any signal. */
  hasInterruptKeys: boolean;
}

export type Stage =
  | 'awaiting_approval' // checkpoint: before
  | 'queued'
  | 'spawning'
  | 'running'
  | 'holding' // checkpoint: after; the process has ended, its result waits for a human
  | 'done';

export type TimerKind = 'timeout' | 'idle' | 'escalate';
export type StopCause =
  | { kind: 'cancelled'; by: string; reason: string | null }
  | { kind: 'timeout'; afterMs: number; idle: boolean };

export type KillSignal = 'SIGINT' | 'SIGTERM' | 'SIGKILL';
const SIGNALS: readonly KillSignal[] = ['SIGINT', 'SIGTERM', 'SIGKILL'];

export interface Outcome {
  status: Exclude<TaskStatus, 'queued' | 'awaiting_checkpoint' | 'running'>;
  error_class: ErrorClass | null;
  exit_code: number | null;
  signal: string | null;
  summary: string;
}

export interface TaskState {
  stage: Stage;
  /** The first cause of an ending wins; later ones are recorded nowhere but the events. */
  stopCause: StopCause | null;
  /** The tool's own stream reported a failure (judged with the exit code at the end). */
  toolFailure: string | null;
  /** How far the escalation got: -1 none yet; 0 interrupt keys; 1.. SIGNALS[i-1]. */
  escalation: number;
  /** The process's result, kept while an `after` checkpoint holds it. */
  held: Outcome | null;
  timers: Partial<Record<TimerKind, number>>;
  nextToken: number;
}

export type Input =
  | { type: 'submit' }
  | { type: 'approve' }
  | { type: 'reject'; reason: string | null }
  | { type: 'admit' }
  | { type: 'spawned'; pid: number }
  | { type: 'spawn_failed'; message: string }
  | { type: 'output' }
  | { type: 'tool_failure'; message: string }
  | { type: 'cancel'; by: string; reason: string | null }
  | { type: 'timer'; timer: TimerKind; token: number }
  | { type: 'exited'; exitCode: number | null; signal: string | null };

export type Effect =
  | { type: 'checkpoint_required'; checkpoint: 'before' | 'after' }
  | { type: 'checkpoint_resolved'; decision: 'approved' | 'rejected'; reason: string | null }
  | { type: 'cancel_requested'; by: string; reason: string | null }
  | { type: 'enqueue' }
  | { type: 'spawn' }
  | { type: 'started'; pid: number }
  | { type: 'send_interrupt_keys' }
  | { type: 'signal'; signal: KillSignal }
  | { type: 'set_timer'; timer: TimerKind; ms: number; token: number }
  | { type: 'clear_timer'; timer: TimerKind }
  /** The process is gone: free its slot and kill whatever it left behind. */
  | { type: 'process_ended' }
  | { type: 'finish'; outcome: Outcome };

export interface Step {
  state: TaskState;
  effects: Effect[];
}

export function initialState(): TaskState {
  return { stage: 'queued', stopCause: null, toolFailure: null, escalation: -1, held: null, timers: {}, nextToken: 1 };
}

export function step(config: MachineConfig, state: TaskState, input: Input): Step {
  const s: TaskState = { ...state, timers: { ...state.timers } };
  const fx: Effect[] = [];
  const arm = (timer: TimerKind, ms: number) => {
    const token = s.nextToken++;
    s.timers[timer] = token;
    fx.push({ type: 'set_timer', timer, ms, token });
  };
  const disarmAll = () => {
    for (const timer of Object.keys(s.timers) as TimerKind[]) fx.push({ type: 'clear_timer', timer });
    s.timers = {};
  };
  const finish = (outcome: Outcome) => {
    disarmAll();
    s.stage = 'done';
    fx.push({ type: 'finish', outcome });
  };
  const escalate = () => {
    s.escalation += 1;
    if (s.escalation === 0 && !config.hasInterruptKeys) s.escalation = 1;
    if (s.escalation === 0) fx.push({ type: 'send_interrupt_keys' });
    else fx.push({ type: 'signal', signal: SIGNALS[s.escalation - 1]! });
    if (s.escalation < SIGNALS.length) arm('escalate', config.killGraceMs);
  };
  const beginStop = (cause: StopCause) => {
    s.stopCause ??= cause;
    if (s.stage === 'running' && s.escalation < 0) {
      if (s.timers.timeout !== undefined) fx.push({ type: 'clear_timer', timer: 'timeout' });
      if (s.timers.idle !== undefined) fx.push({ type: 'clear_timer', timer: 'idle' });
      delete s.timers.timeout;
      delete s.timers.idle;
      escalate();
    }
  };

  switch (input.type) {
    case 'submit':
      if (config.checkpoint === 'before') {
        s.stage = 'awaiting_approval';
        fx.push({ type: 'checkpoint_required', checkpoint: 'before' });
      } else {
        s.stage = 'queued';
        fx.push({ type: 'enqueue' });
      }
      break;

    case 'approve':
      if (s.stage === 'awaiting_approval') {
        fx.push({ type: 'checkpoint_resolved', decision: 'approved', reason: null });
        s.stage = 'queued';
        fx.push({ type: 'enqueue' });
      } else if (s.stage === 'holding' && s.held) {
        fx.push({ type: 'checkpoint_resolved', decision: 'approved', reason: null });
        finish(s.held);
      }
      break;

    case 'reject':
      if (s.stage === 'awaiting_approval' || s.stage === 'holding') {
        fx.push({ type: 'checkpoint_resolved', decision: 'rejected', reason: input.reason });
        finish({
          status: 'failed',
          error_class: 'rejected',
          exit_code: s.held?.exit_code ?? null,
          signal: s.held?.signal ?? null,
          summary: `rejected${input.reason ? `: ${input.reason}` : ''}`,
        });
      }
      break;

    case 'admit':
      if (s.stage === 'queued') {
        s.stage = 'spawning';
        fx.push({ type: 'spawn' });
      }
      break;

    case 'spawned':
      if (s.stage !== 'spawning') break;
      s.stage = 'running';
      fx.push({ type: 'started', pid: input.pid });
      if (s.stopCause) {
        escalate();
        break;
      }
      if (config.timeoutMs !== null) arm('timeout', config.timeoutMs);
      if (config.idleTimeoutMs !== null) arm('idle', config.idleTimeoutMs);
      break;

    case 'spawn_failed':
      if (s.stage !== 'spawning') break;
      fx.push({ type: 'process_ended' });
      finish({
        status: 'failed',
        error_class: 'spawn_error',
        exit_code: null,
        signal: null,
        summary: `could not start: ${input.message}`,
      });
      break;

    case 'output':
      if (s.stage === 'running' && s.escalation < 0 && config.idleTimeoutMs !== null) arm('idle', config.idleTimeoutMs);
      break;

    case 'tool_failure':
      s.toolFailure ??= input.message;
      break;

    case 'cancel':
      if (s.stage === 'done') break;
      if (!s.stopCause) fx.push({ type: 'cancel_requested', by: input.by, reason: input.reason });
      if (s.stage === 'queued' || s.stage === 'awaiting_approval' || s.stage === 'holding') {
        s.stopCause ??= { kind: 'cancelled', by: input.by, reason: input.reason };
        finish({
          status: 'cancelled',
          error_class: 'cancelled',
          exit_code: s.held?.exit_code ?? null,
          signal: s.held?.signal ?? null,
          summary: cancelSummary(input.by, input.reason),
        });
      } else {
        beginStop({ kind: 'cancelled', by: input.by, reason: input.reason });
      }
      break;

    case 'timer': {
      if (s.timers[input.timer] !== input.token) break; // stale: armed in an earlier stage
      delete s.timers[input.timer];
      if (s.stage !== 'running') break;
      if (input.timer === 'escalate') escalate();
      else
        beginStop({
          kind: 'timeout',
          idle: input.timer === 'idle',
          afterMs: (input.timer === 'idle' ? config.idleTimeoutMs : config.timeoutMs) ?? 0,
        });
      break;
    }

    case 'exited': {
      if (s.stage !== 'running') break;
      disarmAll();
      fx.push({ type: 'process_ended' });
      const outcome = judge(s, input.exitCode, input.signal);
      if (config.checkpoint === 'after' && s.stopCause === null) {
        s.stage = 'holding';
        s.held = outcome;
        fx.push({ type: 'checkpoint_required', checkpoint: 'after' });
      } else {
        finish(outcome);
      }
      break;
    }
  }
  return { state: s, effects: fx };
}

function judge(s: TaskState, exitCode: number | null, signal: string | null): Outcome {
  const base = { exit_code: exitCode, signal };
  const cause = s.stopCause;
  if (cause?.kind === 'cancelled')
    return { ...base, status: 'cancelled', error_class: 'cancelled', summary: cancelSummary(cause.by, cause.reason) };
  if (cause?.kind === 'timeout')
    return {
      ...base,
      status: 'timed_out',
      error_class: 'timeout',
      summary: `${cause.idle ? 'no output for' : 'timed out after'} ${formatSeconds(cause.afterMs)}`,
    };
  if (exitCode === 0 && signal === null) {
    if (s.toolFailure !== null) return { ...base, status: 'failed', error_class: 'tool_error', summary: s.toolFailure };
    return { ...base, status: 'succeeded', error_class: null, summary: 'exit 0' };
  }
  return {
    ...base,
    status: 'failed',
    error_class: 'nonzero_exit',
    summary: signal ? `killed by ${signal}` : `exit ${exitCode}`,
  };
}

function cancelSummary(by: string, reason: string | null): string {
  return `cancelled by ${by}${reason ? `: ${reason}` : ''}`;
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))}s`;
}
