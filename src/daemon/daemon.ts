import { mkdirSync, statSync, unwatchFile, watchFile } from 'node:fs';
import { loadToolsFile, withBuiltins, type LoadedTools } from '../config/load-tools.js';
import { ToolsFile } from '../core/tools-schema.js';
import { ConfigError } from '../config/config-error.js';
import type { EventDraft, TelemetryEvent } from '../core/events.js';
import { newTaskId } from '../core/ids.js';
import { RequestError, type ParsedParams, type ScreenPush, type ScreenText, type TaskOutcome } from '../core/protocol.js';
import { DEFAULT_COLS, DEFAULT_ROWS, PtySession, type AttachOptions, type Attachment } from '../pty/pty-session.js';
import { reportScreenWorkerFailuresTo } from '../pty/screen-host.js';
import type { TaskRecord } from '../core/task-record.js';
import type { TaskMode } from '../core/status.js';
import type { Outcome } from '../core/task-machine.js';
import { watchOpenCodeAgent } from '../opencode/agent-state-watch.js';
import { watchScreenPrompts } from '../pty/screen-prompt-watch.js';
import { startOpenCodeBatch } from '../opencode/opencode-batch.js';
import { startBatchProcess } from '../runner/batch-process.js';
import { gitState, knownGitState } from '../runner/git-state.js';
import { planTask, type TaskPlan } from '../runner/task-plan.js';
import { TaskDriver, type TaskHost } from '../runner/task-driver.js';
import { taskBaseEnv } from '../runner/task-base-env.js';
import type { ProcessEvents, TaskProcess } from '../runner/task-process.js';
import { RunStore } from '../telemetry/run-store.js';
import { redactEnv } from '../telemetry/secrets.js';
import { readTaskRecord, writeTaskRecord } from '../telemetry/task-record-file.js';
import { TelemetryWriter } from '../telemetry/telemetry-writer.js';
import type { WorkspacePaths } from '../workspace/workspace-paths.js';
import { workspaceWriteError } from '../workspace/workspace-layout.js';
import type { DaemonLog } from './daemon-log.js';
import { Scheduler, type Schedulable } from './scheduler.js';
import { LACP_VERSION } from './version.js';
import { endedRefusal } from './ended-task.js';

type Submit = ParsedParams<'submit'>;

/** Ended interactive tasks whose last screen the daemon keeps (about 14 MB each with full scrollback). */
const KEPT_ENDED_SCREENS = 16;
/**
 * Ended tasks the daemon keeps in memory (plan, environment, record: a few KB each). Older
 * ones are answered from their task.json, so a daemon that runs for weeks stays small.
 */
const KEPT_ENDED_TASKS = 1000;
/** How often the daemon looks at tools.yaml for a change (a stat): a raised limit applies within this. */
const TOOLS_POLL_MS = 500;
type Listener = (event: TelemetryEvent) => void;
/** A task that has ended, as requests about it are answered. */
interface EndedTask {
  outcome: TaskOutcome;
  mode: TaskMode;
}

/** A task as the scheduler sees it. */
class QueuedTask implements Schedulable {
  constructor(readonly driver: TaskDriver) {}
  get tool(): string {
    return this.driver.tool;
  }
  get toolLimit(): number | undefined {
    return this.driver.plan.spec.max_parallel;
  }
  admit(): void {
    this.driver.input({ type: 'admit' });
  }
  stillQueued(): boolean {
    return this.driver.stage === 'queued';
  }
}

/**
 * The workspace's task owner: accepts tasks, schedules them, keeps one telemetry
 * writer per run, and tells listeners about every event it writes.
 */
export class Daemon implements TaskHost {
  readonly runs: RunStore;
  private tools: LoadedTools;
  /** Which version of tools.yaml `tools` was loaded from (see fileStamp). */
  private toolsStamp: string | null = null;
  private readonly tasks = new Map<string, TaskDriver>();
  private readonly queued = new Map<TaskDriver, QueuedTask>();
  private readonly writers = new Map<string, TelemetryWriter>();
  private readonly listeners = new Set<Listener>();
  private readonly scheduler: Scheduler<QueuedTask>;
  /** Interactive tasks' terminals, kept after they end so their last screen can still be shown. */
  private readonly sessions = new Map<string, PtySession>();
  private readonly initialSizes = new Map<string, { cols: number; rows: number }>();
  /** Ended interactive tasks whose screens are still kept, oldest first. */
  private readonly endedScreens: string[] = [];
  /** Ended tasks still in memory, oldest first. */
  private readonly endedTasks: string[] = [];
  readonly startedAt = Date.now();

  constructor(
    readonly paths: WorkspacePaths,
    private readonly log: DaemonLog,
    private readonly env: NodeJS.ProcessEnv = taskBaseEnv(),
    private readonly keptEndedTasks = KEPT_ENDED_TASKS,
  ) {
    this.runs = new RunStore(paths.runsDir);
    reportScreenWorkerFailuresTo((line) => log.warn(line));
    // A broken tools.yaml must not keep the daemon down: submissions report it, line and column.
    try {
      this.tools = this.loadTools();
    } catch (err) {
      log.warn(`tools.yaml not loaded: ${(err as Error).message}`);
      this.tools = withBuiltins(ToolsFile.parse({ version: 1 }), null);
    }
    this.scheduler = new Scheduler(() => this.tools.config.defaults.max_parallel);
    // A raised max_parallel lets queued tasks go at once, not at the next submission. Polled by
    // path (stat every TOOLS_POLL_MS): an editor that saves by replacing the file is seen too.
    watchFile(paths.toolsFile, { interval: TOOLS_POLL_MS, persistent: false }, () => this.toolsChanged());
  }

  private toolsChanged(): void {
    try {
      this.tools = this.loadTools();
    } catch (err) {
      this.log.warn(`tools.yaml changed but not loaded: ${(err as Error).message}`); // the last good one stays
      return;
    }
    this.scheduler.refill();
  }

  // ---- requests ----

  submit(submitted: Submit): { run_id: string; task_id: string } {
    // A blank label from any client (an agent's start_task with phase "") is no label: null, as the events define unset.
    const req = { ...submitted, phase: unsetIfBlank(submitted.phase), role: unsetIfBlank(submitted.role), title: unsetIfBlank(submitted.title) };
    this.tools = this.loadTools();
    if (req.run !== null && !this.runs.exists(req.run)) throw new RequestError('not_found', `no run ${req.run} in ${this.paths.runsDir}`);
    const taskId = newTaskId(Date.now());
    const request = { tool: req.tool, prompt: req.prompt, set: req.set, timeoutSec: req.timeout_sec };
    const joinRun = req.run ?? (req.new_run ? null : this.runs.newest());
    // Plan before creating anything, so bad input leaves no run or task behind.
    const probe = planTask(this.tools, request, this.context(taskId, joinRun ?? 'RUN-00000000-000'));
    if (!probe.ok) throw new RequestError('bad_request', probe.message);

    const runId = joinRun ?? this.inWorkspace(() => this.startRun(req.title));
    const planned = planTask(this.tools, request, this.context(taskId, runId));
    if (!planned.ok) throw new RequestError('bad_request', planned.message);
    const plan = planned.plan;
    const taskDir = this.runs.taskDir(runId, taskId);
    this.inWorkspace(() => mkdirSync(taskDir, { recursive: true }));

    const record = this.newRecord(taskId, runId, req, plan);
    writeTaskRecord(taskDir, record);
    const driver = new TaskDriver(
      { taskId, runId, taskDir, phase: req.phase, agentRole: req.role },
      plan,
      record,
      {
        checkpoint: plan.spec.checkpoint,
        timeoutMs: plan.timeoutMs,
        idleTimeoutMs: plan.idleTimeoutMs,
        killGraceMs: plan.killGraceMs,
        hasInterruptKeys: (plan.spec.interrupt_keys?.length ?? 0) > 0,
      },
      this,
    );
    this.tasks.set(taskId, driver);
    if (req.cols && req.rows) this.initialSizes.set(taskId, { cols: req.cols, rows: req.rows });
    this.emit({
      event: 'task_queued',
      run_id: runId,
      task_id: taskId,
      tool: plan.tool,
      mode: plan.spec.mode,
      phase: req.phase,
      agent_role: req.role,
      log_paths: { stdout: `tasks/${taskId}/stdout.log`, stderr: `tasks/${taskId}/stderr.log` },
      status: 'queued',
      argv: plan.argv,
      started_by: req.started_by,
      summary: req.title ?? `${plan.tool}${req.prompt ? `: ${req.prompt}` : ''}`.slice(0, 200),
    });
    void gitState(plan.cwd).then((git) => {
      if (!git) return;
      record.git = git;
      // The task's next task.json write (its start or its end) carries it: one write less per task.
      driver.recordChanged();
    });
    driver.input({ type: 'submit' });
    return { run_id: runId, task_id: taskId };
  }

  async wait(taskId: string): Promise<TaskOutcome> {
    const driver = this.tasks.get(taskId);
    if (!driver) return this.endedOnDisk(taskId).outcome;
    return outcomeOf(taskId, await driver.whenDone());
  }

  /** Cancels and resolves once every named task has ended. */
  async cancel(ids: string[], runId: string | null, by: string, reason: string | null): Promise<TaskOutcome[]> {
    // A task that ended long ago (no longer in memory) is reported as it ended.
    const named = ids.map((id) => this.tasks.get(id) ?? this.endedOnDisk(id).outcome);
    const drivers = named.filter((d): d is TaskDriver => d instanceof TaskDriver);
    if (runId !== null) {
      if (!this.runs.exists(runId)) throw new RequestError('not_found', `no run ${runId}`);
      for (const d of this.tasks.values()) if (d.id.runId === runId && !drivers.includes(d)) drivers.push(d);
    }
    for (const d of drivers) d.input({ type: 'cancel', by, reason });
    const outcomes = await Promise.all(drivers.map(async (d) => outcomeOf(d.taskId, await d.whenDone())));
    const ended = named.filter((d): d is TaskOutcome => !(d instanceof TaskDriver));
    return [...ended, ...outcomes];
  }

  approve(taskId: string): { task_id: string } {
    const driver = this.awaitingCheckpoint(taskId);
    driver.input({ type: 'approve' });
    return { task_id: taskId };
  }

  reject(taskId: string, reason: string | null): { task_id: string } {
    const driver = this.awaitingCheckpoint(taskId);
    driver.input({ type: 'reject', reason });
    return { task_id: taskId };
  }

  status() {
    return {
      pid: process.pid,
      workspace: this.paths.root,
      version: LACP_VERSION,
      uptime_ms: Date.now() - this.startedAt,
      running: this.scheduler.runningCount,
      queued: this.scheduler.queuedCount,
      tasks: this.tasks.size,
    };
  }

  liveTasks() {
    return [...this.tasks.values()].map((d) => ({
      task_id: d.taskId,
      run_id: d.id.runId,
      tool: d.tool,
      mode: d.plan.spec.mode,
      status: d.status,
    }));
  }

  /** Cancels everything still active (the normal escalation) and closes the run files. */
  async shutdown(): Promise<void> {
    unwatchFile(this.paths.toolsFile);
    const active = [...this.tasks.values()].filter((d) => d.stage !== 'done');
    for (const d of active) d.input({ type: 'cancel', by: 'daemon stop', reason: 'the workspace daemon is stopping' });
    await Promise.all(active.map((d) => d.whenDone()));
    for (const writer of this.writers.values()) writer.close();
    this.writers.clear();
    for (const session of this.sessions.values()) session.dispose();
    this.sessions.clear();
  }

  onEvent(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- TaskHost ----

  emit(draft: EventDraft, opts?: { durable?: boolean }): Promise<void> {
    const writer = this.writer(draft.run_id);
    const event = writer.append(draft);
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.log.error('event listener failed', err);
      }
    }
    return opts?.durable ? writer.durable() : Promise.resolve();
  }

  enqueue(task: TaskDriver): void {
    const entry = new QueuedTask(task);
    this.queued.set(task, entry);
    this.scheduler.enqueue(entry);
  }

  releaseSlot(task: TaskDriver): void {
    const entry = this.queued.get(task);
    if (!entry) return;
    this.queued.delete(task);
    this.scheduler.release(entry);
  }

  finished(task: TaskDriver, outcome: Outcome): void {
    this.log.info(`task ${task.taskId} ${outcome.status}: ${outcome.summary}`);
    this.endedTasks.push(task.taskId);
    while (this.endedTasks.length > this.keptEndedTasks) this.tasks.delete(this.endedTasks.shift()!);
    if (!this.sessions.has(task.taskId)) return;
    // An ended task's last screen stays for `lacp screen` and late viewers, but a screen
    // with full scrollback is megabytes: only the most recent ones are kept.
    this.endedScreens.push(task.taskId);
    while (this.endedScreens.length > KEPT_ENDED_SCREENS) {
      const oldest = this.endedScreens.shift()!;
      this.sessions.get(oldest)?.dispose();
      this.sessions.delete(oldest);
    }
  }

  startProcess(task: TaskDriver, events: ProcessEvents): TaskProcess {
    if (task.plan.spec.mode === 'interactive') {
      const size = this.initialSizes.get(task.taskId);
      this.initialSizes.delete(task.taskId);
      const emit = (draft: EventDraft) => void this.emit(draft);
      // OpenCode's own event stream says what its agent does; other programs are read off their screen.
      const fromOpenCode = watchOpenCodeAgent(task, events, emit);
      let session: PtySession | null = null;
      const watched = fromOpenCode !== events ? fromOpenCode : watchScreenPrompts(task, events, emit, () => session?.text(task.taskId) ?? null);
      session = PtySession.start(
        task.plan,
        {
          taskDir: task.id.taskDir,
          baseEnv: this.env,
          cols: size?.cols ?? DEFAULT_COLS,
          rows: size?.rows ?? DEFAULT_ROWS,
          scrollback: this.tools.config.defaults.scrollback,
        },
        watched,
      );
      this.sessions.set(task.taskId, session);
      return session;
    }
    if (task.plan.spec.output === 'opencode-json')
      return startOpenCodeBatch(task, { taskDir: task.id.taskDir, baseEnv: this.env }, events, (draft) => this.emit(draft));
    return startBatchProcess(task.plan, { taskDir: task.id.taskDir, baseEnv: this.env }, events);
  }

  // ---- interactive tasks ----

  /** Attaches a client to a task's screen: a snapshot, then live output through `push`. */
  attachScreen(taskId: string, opts: AttachOptions, push: (m: ScreenPush) => void, drop: (reason: string) => void): Promise<Attachment> {
    return this.session(taskId, 'screen').attach(opts, push, drop);
  }

  input(taskId: string, data: string): void {
    const session = this.session(taskId, 'input');
    if (!session.running) {
      const driver = this.tasks.get(taskId);
      const ended = driver && this.endedInMemory(driver);
      throw new RequestError('invalid_state', ended ? endedRefusal(ended.outcome, 'input') : `task ${taskId} is not running: nothing to type into`);
    }
    session.input(data);
  }

  resize(taskId: string, cols: number, rows: number): void {
    this.session(taskId, 'screen').resize(cols, rows);
  }

  async screenText(taskId: string): Promise<ScreenText> {
    return this.session(taskId, 'screen').text(taskId);
  }

  /**
   * An interactive task's terminal. An ended task is refused in the same words whether
   * this daemon ran it or only finds it in runs/ (its terminal is then gone with the daemon that ran it).
   */
  private session(taskId: string, refused: 'input' | 'screen'): PtySession {
    const driver = this.tasks.get(taskId);
    const ended = driver ? this.endedInMemory(driver) : this.endedOnDisk(taskId);
    if ((driver?.plan.spec.mode ?? ended?.mode) !== 'interactive')
      throw new RequestError('invalid_state', `task ${taskId} is a batch task: it has no screen (lacp logs ${taskId} shows its output)`);
    const session = this.sessions.get(taskId);
    if (session) return session;
    if (ended) throw new RequestError('invalid_state', endedRefusal(ended.outcome, refused));
    throw new RequestError('invalid_state', `task ${taskId} is ${driver!.status}: its terminal starts when the task does`);
  }

  /** Appends to a run's telemetry from outside a task (crash recovery). */
  writerFor(runId: string): TelemetryWriter {
    return this.writer(runId);
  }

  // ---- internals ----

  /**
   * tools.yaml as it is now: read and checked again only when the file changed (its
   * modification time, size or inode), not for every submission of a busy run.
   */
  private loadTools(): LoadedTools {
    const stamp = fileStamp(this.paths.toolsFile);
    if (stamp === this.toolsStamp && this.tools) return this.tools;
    try {
      const tools = loadToolsFile(this.paths.toolsFile);
      this.toolsStamp = stamp;
      return tools;
    } catch (err) {
      if (err instanceof ConfigError) throw new RequestError('bad_config', err.message);
      throw err;
    }
  }

  /**
   * Runs `make`, which creates something under the workspace: a workspace made read-only,
   * or `runs` replaced by a file, since this daemon started is the user's to fix, answered
   * as one line (the CLI checks before it starts a daemon; clients of a running one meet it here).
   */
  private inWorkspace<T>(make: () => T): T {
    try {
      return make();
    } catch (err) {
      const problem = workspaceWriteError(err, this.paths);
      if (problem) throw new RequestError('invalid_state', problem);
      throw err;
    }
  }

  private startRun(title: string | null): string {
    const runId = this.runs.create(new Date());
    this.emit({ event: 'run_started', run_id: runId, status: 'running', title, summary: `run ${runId} started` });
    return runId;
  }

  private writer(runId: string): TelemetryWriter {
    let writer = this.writers.get(runId);
    if (!writer) {
      writer = TelemetryWriter.open(this.runs.telemetryFile(runId));
      this.writers.set(runId, writer);
    }
    return writer;
  }

  private context(taskId: string, runId: string) {
    return {
      taskId,
      runId,
      workspace: this.paths.root,
      runDir: this.runs.runDir(runId),
      taskDir: this.runs.taskDir(runId, taskId),
      daemonEnv: this.env,
    };
  }

  /** How a task this daemon holds ended, or null while it has not. */
  private endedInMemory(driver: TaskDriver): EndedTask | null {
    return driver.stage === 'done' && driver.outcome ? { outcome: outcomeOf(driver.taskId, driver.outcome), mode: driver.plan.spec.mode } : null;
  }

  /** How a task no longer in memory ended, from its task.json; not_found when it never ended here. */
  private endedOnDisk(taskId: string): EndedTask {
    for (const runId of this.runs.list().reverse()) {
      const record = readTaskRecord(this.runs.taskDir(runId, taskId));
      if (!record) continue;
      if (!record.outcome) break;
      const { exit_code, signal, error_class, summary } = record.outcome;
      return { outcome: { task_id: taskId, status: record.status, exit_code, signal, error_class, summary }, mode: record.mode };
    }
    throw new RequestError('not_found', `no task ${taskId} in this daemon (lacp ls --all lists tasks)`);
  }

  private awaitingCheckpoint(taskId: string): TaskDriver {
    const driver = this.tasks.get(taskId);
    const ended = driver ? this.endedInMemory(driver) : this.endedOnDisk(taskId);
    if (ended) throw new RequestError('invalid_state', endedRefusal(ended.outcome, 'checkpoint'));
    if (driver!.status !== 'awaiting_checkpoint')
      throw new RequestError('invalid_state', `task ${taskId} is ${driver!.status}, not awaiting a checkpoint`);
    return driver!;
  }

  private newRecord(taskId: string, runId: string, req: Submit, plan: TaskPlan): TaskRecord {
    return {
      task_id: taskId,
      run_id: runId,
      tool: plan.tool,
      mode: plan.spec.mode,
      title: req.title,
      phase: req.phase,
      agent_role: req.role,
      started_by: req.started_by,
      argv: plan.argv,
      cwd: plan.cwd,
      env: redactEnv(plan.addedEnv, this.tools.config.secrets, this.env),
      stdin: plan.stdin,
      prompt: req.prompt,
      vars: plan.vars,
      tool_config: plan.spec,
      tool_config_hash: plan.specHash,
      git: knownGitState(plan.cwd) ?? null,
      lacp_version: LACP_VERSION,
      timeout_sec: plan.timeoutMs === null ? null : plan.timeoutMs / 1000,
      pid: null,
      pid_start_ticks: null,
      daemon_pid: process.pid,
      timestamps: { queued: new Date().toISOString(), started: null, ended: null },
      status: 'queued',
      outcome: null,
      usage: null,
    };
  }
}

function outcomeOf(taskId: string, o: Outcome): TaskOutcome {
  return { task_id: taskId, status: o.status, exit_code: o.exit_code, signal: o.signal, error_class: o.error_class, summary: o.summary };
}

function unsetIfBlank(label: string | null): string | null {
  return label === null || label.trim() === '' ? null : label;
}

/** Identifies one version of a file: its modification time, size and inode ("missing" when absent). */
function fileStamp(path: string): string {
  try {
    const st = statSync(path, { bigint: true });
    return `${st.mtimeNs}:${st.size}:${st.ino}`;
  } catch {
    return 'missing';
  }
}
