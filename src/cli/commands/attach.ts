import { constants } from 'node:os';
import { ScreenFollower, type TaskExit } from '../../client/screen-follower.js';
import type { TaskOutcome } from '../../core/protocol.js';
import { FINAL_STATUSES, type TaskStatus } from '../../core/status-values.js';
import { endedAttach } from '../../daemon/ended-task.js';
import { AnsiFrameRenderer, ENTER_ALT_SCREEN, RESTORE_TERMINAL } from '../../term/ansi-frame.js';
import { parse } from '../args.js';
import { CliContext } from '../cli-context.js';
import { CliError, EXIT_OK, EXIT_UNREACHABLE } from '../cli-error.js';

export const ATTACH_HELP = `lacp attach TASK_ID
  Attaches this terminal to an interactive task, like tmux attach. Ctrl-\\ detaches and leaves it running.
  A task that has ended is refused (exit 2; lacp screen shows its last screen).`;

/** Ctrl-\\: the detach key (what tmux users reach for is the prefix; this one needs no prefix). */
const DETACH_KEY = '\x1c';
/** Exit status of a command ended by signal N, as shells report it (and `lacp run --wait` on Ctrl-C: 130). */
const SIGNALLED_EXIT_BASE = 128;
/** At most one redraw per frame: 60 a second. */
const FRAME_MS = 16;

/** How an attach ends: the line for the user and the exit status. */
interface AttachEnd {
  message: string;
  code: number;
}

/** " (exit 3)", " (SIGKILL)", or nothing when the end is not known. */
function describeExit(exit: TaskExit): string {
  if (exit.exit_code !== null) return ` (exit ${exit.exit_code})`;
  return exit.signal ? ` (${exit.signal})` : '';
}

/**
 * Why an attach to a task whose program has exited is refused. An ended task is named with
 * its outcome in the daemon's words for it (`wait` answers at once); one whose result is
 * held at an `after` checkpoint has not ended, and `wait` would block until it is resolved.
 */
async function exitedBeforeAttach(ctx: CliContext, taskId: string, exit: TaskExit): Promise<string> {
  const live = await ctx.call<{ task_id: string; status: TaskStatus }[]>('tasks');
  const status = live.find((t) => t.task_id === taskId)?.status;
  if (status === undefined || FINAL_STATUSES.has(status)) return endedAttach(await ctx.call<TaskOutcome>('wait', { task_id: taskId }));
  return `task ${taskId} has exited${describeExit(exit)} and waits at its checkpoint (lacp approve / lacp reject); its last screen: lacp screen ${taskId}`;
}

export async function attachCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('attach', argv, {});
  if (positionals.length !== 1) throw new CliError('lacp attach: expected one TASK_ID');
  if (!process.stdin.isTTY || !process.stdout.isTTY) throw new CliError('lacp attach needs a terminal (scripts: lacp send and lacp screen)');
  const ctx = new CliContext(values.workspace);
  try {
    return await attach(ctx, positionals[0]!);
  } finally {
    // Every way out closes the connection: an open socket would keep the process alive.
    ctx.close();
  }
}

async function attach(ctx: CliContext, taskId: string): Promise<number> {
  const stdin = process.stdin;
  const stdout = process.stdout;
  // A terminal that reports no size (0x0: some serial consoles, `script` without a tty size) gets tmux's default.
  const hostSize = () => ({ cols: stdout.columns || 80, rows: stdout.rows || 24 });
  const client = await ctx.daemon();
  const renderer = new AnsiFrameRenderer();
  let frameTimer: NodeJS.Timeout | null = null;
  let follower: ScreenFollower | null = null;
  // Frames are drawn only while the terminal is ours: before it is taken (the snapshot parsed
  // while a refusal is decided) and after it is given back, a frame would land on the user's shell.
  let ours = false;
  let finish!: (end: AttachEnd) => void;
  const ended = new Promise<AttachEnd>((resolve) => (finish = resolve));

  const draw = () => {
    if (frameTimer) clearTimeout(frameTimer);
    frameTimer = null;
    if (follower && ours) stdout.write(renderer.frame(follower.terminal, hostSize().cols, hostSize().rows));
  };
  const schedule = () => {
    if (ours) frameTimer ??= setTimeout(draw, FRAME_MS);
  };

  try {
    follower = await ScreenFollower.start(client, {
      taskId,
      mode: 'control',
      ...hostSize(),
      scrollback: 0,
      onChange: schedule,
      onExit: (exit) => finish({ message: `[lacp: task ${taskId} ended${describeExit(exit)}]`, code: EXIT_OK }),
    });
  } catch (err) {
    // Refused (unknown, queued, batch, gone) or no answer: one line, before the terminal was touched.
    throw await ctx.cliErrorOf(err);
  }
  if (follower.exit) {
    // Ended before we came: its last screen is for reading (lacp screen), not a terminal to take over.
    const exit = follower.exit;
    follower.dispose();
    throw new CliError(await exitedBeforeAttach(ctx, taskId, exit));
  }

  // From here on the terminal is ours: every way out must give it back.
  const restore = () => {
    if (!ours) return;
    ours = false;
    if (frameTimer) clearTimeout(frameTimer);
    frameTimer = null;
    try {
      stdin.setRawMode(false);
    } catch {
      // stdin already gone
    }
    stdout.write(RESTORE_TERMINAL);
  };
  process.once('exit', restore);
  // Killed (SIGTERM, SIGHUP of a closed terminal): detach, and exit as a shell reports a signalled command.
  const onSignal = (signal: NodeJS.Signals) => finish({ message: `[lacp: ${signal}, detached]`, code: SIGNALLED_EXIT_BASE + constants.signals[signal] });
  for (const s of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) process.on(s, onSignal);
  const onError = (err: Error) => finish({ message: `[lacp: ${err.message}, detached]`, code: EXIT_OK });
  process.on('uncaughtException', onError);

  ours = true;
  stdin.setRawMode(true);
  stdout.write(ENTER_ALT_SCREEN);
  renderer.invalidate();
  schedule();
  const onInput = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    const detachAt = text.indexOf(DETACH_KEY);
    if (detachAt >= 0) {
      if (detachAt > 0) follower?.input(text.slice(0, detachAt));
      finish({ message: '[lacp: detached; the task goes on]', code: EXIT_OK });
      return;
    }
    follower?.input(text);
  };
  stdin.on('data', onInput);
  const onResize = () => {
    if (!ours) return;
    follower?.resize(hostSize().cols, hostSize().rows);
    stdout.write('\x1b[H\x1b[2J');
    renderer.invalidate();
    schedule();
  };
  stdout.on('resize', onResize);
  client.onClose(() => finish({ message: '[lacp: the daemon went away]', code: EXIT_UNREACHABLE }));

  const end = await ended;
  draw(); // the last screen, in the alternate screen, before it is left
  stdin.off('data', onInput);
  stdout.off('resize', onResize);
  for (const s of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) process.off(s, onSignal);
  process.off('uncaughtException', onError);
  restore();
  process.off('exit', restore);
  stdin.pause();
  follower.dispose();
  process.stderr.write(`${end.message}\n`);
  return end.code;
}
