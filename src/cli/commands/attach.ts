import { ScreenFollower } from '../../client/screen-follower.js';
import { AnsiFrameRenderer, ENTER_ALT_SCREEN, RESTORE_TERMINAL } from '../../term/ansi-frame.js';
import { parse } from '../args.js';
import { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';

export const ATTACH_HELP = `lacp attach TASK_ID
  Attaches this terminal to an interactive task, like tmux attach. Ctrl-\\ detaches and leaves it running.`;

/** Ctrl-\\: the detach key (what tmux users reach for is the prefix; this one needs no prefix). */
const DETACH_KEY = '\x1c';
/** At most one redraw per frame: 60 a second. */
const FRAME_MS = 16;

export async function attachCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('attach', argv, {});
  if (positionals.length !== 1) throw new CliError('lacp attach: expected one TASK_ID');
  const stdin = process.stdin;
  const stdout = process.stdout;
  if (!stdin.isTTY || !stdout.isTTY) throw new CliError('lacp attach needs a terminal (scripts: lacp send and lacp screen)');
  // A terminal that reports no size (0x0: some serial consoles, `script` without a tty size) gets tmux's default.
  const hostSize = () => ({ cols: stdout.columns || 80, rows: stdout.rows || 24 });
  const ctx = new CliContext(values.workspace);
  const client = await ctx.daemon();
  const renderer = new AnsiFrameRenderer();
  let frameTimer: NodeJS.Timeout | null = null;
  let follower: ScreenFollower | null = null;
  let finish!: (message: string) => void;
  const ended = new Promise<string>((resolve) => (finish = resolve));

  const draw = () => {
    frameTimer = null;
    if (follower) stdout.write(renderer.frame(follower.terminal, hostSize().cols, hostSize().rows));
  };
  const schedule = () => {
    frameTimer ??= setTimeout(draw, FRAME_MS);
  };

  follower = await ScreenFollower.start(client, {
    taskId: positionals[0]!,
    mode: 'control',
    ...hostSize(),
    scrollback: 0,
    onChange: schedule,
    onExit: (exit) => finish(`[lacp: task ${positionals[0]} ended${exit.exit_code !== null ? ` (exit ${exit.exit_code})` : exit.signal ? ` (${exit.signal})` : ''}]`),
  });

  // From here on the terminal is ours: every way out must give it back.
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    if (frameTimer) clearTimeout(frameTimer);
    try {
      stdin.setRawMode(false);
    } catch {
      // stdin already gone
    }
    stdout.write(RESTORE_TERMINAL);
  };
  process.once('exit', restore);
  const onSignal = (signal: NodeJS.Signals) => finish(`[lacp: ${signal}, detached]`);
  for (const s of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) process.on(s, onSignal);
  const onError = (err: Error) => finish(`[lacp: ${err.message}, detached]`);
  process.on('uncaughtException', onError);

  stdin.setRawMode(true);
  stdout.write(ENTER_ALT_SCREEN);
  renderer.invalidate();
  schedule();
  const onInput = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    const detachAt = text.indexOf(DETACH_KEY);
    if (detachAt >= 0) {
      if (detachAt > 0) follower?.input(text.slice(0, detachAt));
      finish('[lacp: detached; the task goes on]');
      return;
    }
    follower?.input(text);
  };
  stdin.on('data', onInput);
  const onResize = () => {
    follower?.resize(hostSize().cols, hostSize().rows);
    stdout.write('\x1b[H\x1b[2J');
    renderer.invalidate();
    schedule();
  };
  stdout.on('resize', onResize);
  client.onClose(() => finish('[lacp: the daemon went away]'));

  const message = await ended;
  draw();
  stdin.off('data', onInput);
  stdout.off('resize', onResize);
  for (const s of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) process.off(s, onSignal);
  process.off('uncaughtException', onError);
  restore();
  stdin.pause();
  follower.dispose();
  ctx.close();
  process.stderr.write(`${message}\n`);
  return 0;
}
