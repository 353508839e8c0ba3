import { closeSync, mkdirSync, openSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { EventDraft } from '../core/events.js';
import type { TaskRecord } from '../core/task-record.js';
import type { TaskStatus } from '../core/status.js';
import { initialState, step, type Effect, type Input, type MachineConfig, type Outcome, type Stage, type TaskState, type TimerKind } from '../core/task-machine.js';
import { logPaths } from '../telemetry/run-store.js';
import { TaskRecordFile } from '../telemetry/task-record-file.js';
import { setLongTimeout, type LongTimeout } from './long-timeout.js';
import { readProc } from './proc-table.js';
import { signalTask, sweepTask } from './process-tree.js';
import type { TaskPlan } from './task-plan.js';
import type { ProcessEvents, TaskProcess } from './task-process.js';

/** How long the output of an ended task may take to reach its files before they are closed anyway. */
const DRAIN_LIMIT_MS = 5_000;

export interface TaskHost {
  /** Resolves once the event is on the disk when `durable` is asked for. */
  emit(draft: EventDraft, opts?: { durable?: boolean }): Promise<void>;
  enqueue(task: TaskDriver): void;
  releaseSlot(task: TaskDriver): void;
  finished(task: TaskDriver, outcome: Outcome): void;
  startProcess(task: TaskDriver, events: ProcessEvents): TaskProcess;
}

export interface TaskIdentity {
  taskId: string;
  runId: string;
  taskDir: string;
  phase: string | null;
  agentRole: string | null;
}

/**
 * The thin shell around the pure task machine: it feeds inputs in and performs the
 * effects that come out (events, timers, processes, signals, task.json).
 */
export class TaskDriver {
  private state: TaskState = initialState();
  private process: TaskProcess | null = null;
  private pid: number | null = null;
  /** Long timeouts: timeout_sec, idle_timeout_sec and kill_grace_sec may exceed what a plain setTimeout holds. */
  private readonly timers = new Map<TimerKind, LongTimeout>();
  private sweep: Promise<unknown> = Promise.resolve();
  private readonly doneWaiters: ((o: Outcome) => void)[] = [];
  private finalOutcome: Outcome | null = null;
  private readonly recordFile: TaskRecordFile;
  /** The status before the input being handled: a cancel reports the state it found the task in. */
  private statusAtInput: TaskStatus = 'queued';
  private spawnAttempted = false;

  /** `record` is on disk already (task.json exists once a submit returns); the driver rewrites it as the task moves on. */
  constructor(
    readonly id: TaskIdentity,
    readonly plan: TaskPlan,
    readonly record: TaskRecord,
    private readonly config: MachineConfig,
    private readonly host: TaskHost,
  ) {
    this.recordFile = new TaskRecordFile(id.taskDir, record);
  }

  get taskId(): string {
    return this.id.taskId;
  }
  get tool(): string {
    return this.plan.tool;
  }
  get stage(): Stage {
    return this.state.stage;
  }
  get outcome(): Outcome | null {
    return this.finalOutcome;
  }

  /** The status the contract knows, derived from the machine's stage. */
  get status(): TaskStatus {
    switch (this.state.stage) {
      case 'awaiting_approval':
      case 'holding':
        return 'awaiting_checkpoint';
      case 'queued':
      case 'spawning':
        return 'queued';
      case 'running':
        return 'running';
      case 'done':
        return this.finalOutcome?.status ?? 'running';
    }
  }

  whenDone(): Promise<Outcome> {
    if (this.finalOutcome) return Promise.resolve(this.finalOutcome);
    return new Promise((resolve) => this.doneWaiters.push(resolve));
  }

  input(input: Input): void {
    this.statusAtInput = this.status;
    const { state, effects } = step(this.config, this.state, input);
    this.state = state;
    for (const effect of effects) this.perform(effect);
  }

  /** Someone changed `record` from outside (git state found late): rewrite task.json if no later write of the task's own will. */
  recordChanged(): void {
    if (this.state.stage === 'done') void this.recordFile.save();
  }

  /** Types into the task (interactive only). */
  sendKeys(text: string): void {
    this.process?.sendKeys(text);
  }

  private perform(effect: Effect): void {
    switch (effect.type) {
      case 'enqueue':
        this.host.enqueue(this);
        return;
      case 'checkpoint_required':
        this.saveRecord({ status: 'awaiting_checkpoint' });
        this.emit({
          event: 'checkpoint_required',
          status: 'awaiting_checkpoint',
          checkpoint: effect.checkpoint,
          summary:
            effect.checkpoint === 'before'
              ? 'waiting for approval before it starts (lacp approve / lacp reject)'
              : 'finished; its result waits for approval (lacp approve / lacp reject)',
        });
        return;
      case 'checkpoint_resolved':
        this.emit({
          event: 'checkpoint_resolved',
          // The status the decision leads to, as for every event that changes it: a \`before\`
          // approval queues the task, an \`after\` one accepts the held result, a rejection fails it.
          status: effect.decision === 'rejected' ? 'failed' : (this.state.held?.status ?? 'queued'),
          decision: effect.decision,
          reason: effect.reason,
          summary: `${effect.decision}${effect.reason ? `: ${effect.reason}` : ''}`,
        });
        return;
      case 'cancel_requested':
        this.emit({
          event: 'cancel_requested',
          status: this.statusAtInput,
          by: effect.by,
          reason: effect.reason,
          summary: `cancel requested by ${effect.by}${effect.reason ? `: ${effect.reason}` : ''}`,
        });
        return;
      case 'spawn':
        this.spawnAttempted = true;
        mkdirSync(join(this.id.taskDir, 'artifacts'), { recursive: true });
        this.process = this.host.startProcess(this, {
          onSpawn: (pid) => this.input({ type: 'spawned', pid }),
          onSpawnError: (message) => this.input({ type: 'spawn_failed', message }),
          onOutput: () => this.input({ type: 'output' }),
          onExit: (exitCode, signal) => this.input({ type: 'exited', exitCode, signal }),
        });
        return;
      case 'started': {
        this.pid = effect.pid;
        const started = new Date().toISOString();
        this.saveRecord({
          status: 'running',
          pid: effect.pid,
          pid_start_ticks: readProc(effect.pid)?.startTicks ?? null,
          timestamps: { ...this.record.timestamps, started },
        });
        this.emit({ event: 'task_started', status: 'running', pid: effect.pid, summary: `started: ${this.plan.argv.join(' ')}`.slice(0, 300) });
        return;
      }
      case 'send_interrupt_keys':
        for (const keys of this.plan.spec.interrupt_keys ?? []) this.process?.sendKeys(keys);
        this.emit({ event: 'signal_sent', status: 'running', signal: 'interrupt_keys', summary: 'sent the tool\'s interrupt keys' });
        return;
      case 'signal':
        if (this.pid !== null) signalTask(this.pid, this.taskId, effect.signal);
        this.emit({ event: 'signal_sent', status: 'running', signal: effect.signal, summary: `sent ${effect.signal} to the process tree` });
        return;
      case 'set_timer': {
        this.timers.get(effect.timer)?.clear();
        const { timer, token } = effect;
        this.timers.set(timer, setLongTimeout(() => this.input({ type: 'timer', timer, token }), effect.ms));
        return;
      }
      case 'clear_timer':
        this.timers.get(effect.timer)?.clear();
        this.timers.delete(effect.timer);
        return;
      case 'process_ended':
        // The slot stays taken until the tree is swept: a straggler still counts against
        // max_parallel. An ending task frees it right after its task_completed, so the
        // events never show more tasks running than allowed; a held result (checkpoint:
        // after) frees it once swept, without waiting for the human.
        if (this.pid !== null) this.sweep = sweepTask(this.pid, this.taskId, this.record.pid_start_ticks ?? 0);
        void this.sweep.then(() => {
          if (this.state.stage === 'holding') this.host.releaseSlot(this);
        });
        return;
      case 'finish':
        void this.complete(effect.outcome);
        return;
    }
  }

  /**
   * A task that never started (cancelled or rejected first) still has the folder every task
   * has: its events name stdout.log and stderr.log, and readers look for artifacts/.
   */
  private createEmptyFiles(): void {
    mkdirSync(join(this.id.taskDir, 'artifacts'), { recursive: true });
    for (const stream of ['stdout', 'stderr'] as const) closeSync(openSync(join(this.id.taskDir, `${stream}.log`), 'a'));
  }

  private async complete(outcome: Outcome): Promise<void> {
    await this.sweep;
    if (this.process) {
      const process = this.process;
      let limit: NodeJS.Timeout | undefined;
      await Promise.race([process.drained(), new Promise((r) => (limit = setTimeout(r, DRAIN_LIMIT_MS)))]);
      clearTimeout(limit);
      process.abandon();
    }
    if (!this.spawnAttempted) this.createEmptyFiles();
    const ended = new Date();
    const startedAt = this.record.timestamps.started ?? this.record.timestamps.queued;
    const durationMs = Math.max(0, ended.getTime() - Date.parse(startedAt));
    const artifacts = listArtifacts(join(this.id.taskDir, 'artifacts'));
    this.saveRecord({
      status: outcome.status,
      timestamps: { ...this.record.timestamps, ended: ended.toISOString() },
      outcome: {
        exit_code: outcome.exit_code,
        signal: outcome.signal,
        error_class: outcome.error_class,
        summary: outcome.summary,
        duration_ms: durationMs,
        artifacts,
      },
    });
    this.finalOutcome = outcome;
    const written = this.emit(
      {
        event: 'task_completed',
        status: outcome.status,
        exit_code: outcome.exit_code,
        signal: outcome.signal,
        duration_ms: durationMs,
        artifacts,
        error_class: outcome.error_class,
        usage: this.record.usage,
        summary: outcome.summary,
      },
      { durable: true },
    );
    this.host.releaseSlot(this);
    // Whoever waits for the ending may read task.json next: it holds the outcome by then.
    await Promise.all([written, this.lastRecordWrite]);
    this.host.finished(this, outcome);
    for (const resolve of this.doneWaiters.splice(0)) resolve(outcome);
  }

  private lastRecordWrite: Promise<void> = Promise.resolve();

  private saveRecord(patch: Partial<TaskRecord>): void {
    Object.assign(this.record, patch);
    this.lastRecordWrite = this.recordFile.save();
  }

  /** Fills in the fields every task event carries. */
  private emit(draft: DistributiveOmit<Extract<EventDraft, { task_id: string }>, TaskCommon>, opts?: { durable?: boolean }): Promise<void> {
    return this.host.emit(
      {
        run_id: this.id.runId,
        task_id: this.id.taskId,
        tool: this.plan.tool,
        mode: this.plan.spec.mode,
        phase: this.id.phase,
        agent_role: this.id.agentRole,
        log_paths: logPaths(this.id.taskId),
        ...draft,
      } as EventDraft,
      opts,
    );
  }
}

type TaskCommon = 'run_id' | 'task_id' | 'tool' | 'mode' | 'phase' | 'agent_role' | 'log_paths';
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function listArtifacts(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
      .sort();
  } catch {
    return [];
  }
}
