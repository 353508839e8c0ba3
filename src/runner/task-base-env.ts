import { userInfo } from 'node:os';

/**
 * The environment every task starts from: the daemon's own, plus SHELL when it is missing.
 * A daemon started by cron, systemd or a CI runner often has no SHELL, and the builtin
 * `shell` tool runs `${SHELL} -l`; like tmux's default-shell we fall back to the user's
 * login shell from the password database, then to /bin/sh.
 */
export function taskBaseEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (env.SHELL) return env;
  return { ...env, SHELL: loginShell() };
}

function loginShell(): string {
  try {
    const shell = userInfo().shell;
    if (shell) return shell;
  } catch {
    // No password entry for this uid (a container's arbitrary user): fall through.
  }
  return '/bin/sh';
}
