import { DaemonClient, DaemonError } from './daemon-client.js';

/**
 * How long connecting plus the first exchange (`hello`) may take. A healthy daemon
 * answers in about a millisecond, and one busy with a flood of output in tens; 5 s is
 * far beyond both yet short enough that a stopped (SIGSTOP) or hung daemon is reported
 * instead of freezing every command. Only the handshake has this deadline: requests
 * that block by design (wait, cancel, follow streams, attach) have none.
 */
const HANDSHAKE_TIMEOUT_MS = 5_000;
/** Overrides HANDSHAKE_TIMEOUT_MS (milliseconds), e.g. on a machine so loaded that 5 s is not enough, or in tests. */
const HANDSHAKE_TIMEOUT_VAR = 'LACP_HANDSHAKE_TIMEOUT_MS';

export function handshakeTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = Number(env[HANDSHAKE_TIMEOUT_VAR]);
  return Number.isFinite(raw) && raw > 0 ? raw : HANDSHAKE_TIMEOUT_MS;
}

/**
 * Connects to `socket` and exchanges `hello`, within `timeoutMs` for both: the client,
 * null when nothing listens there (or it hung up at once), or 'timeout' when it
 * accepted but did not answer in time.
 */
export async function connectAndGreet(socket: string, timeoutMs: number): Promise<DaemonClient | null | 'timeout'> {
  // On expiry the half-made connection is dropped, or it would keep this process alive.
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  let client: DaemonClient | null = null;
  try {
    client = await DaemonClient.connect(socket, abort.signal);
  } catch {
    clearTimeout(timer);
    return abort.signal.aborted ? 'timeout' : null;
  }
  const connected = client;
  abort.signal.addEventListener('abort', () => connected.close());
  try {
    await connected.request('hello', { client: 'lacp' });
  } catch (err) {
    if (abort.signal.aborted) return 'timeout';
    // It went away mid-handshake: as good as not running. An error answer still shows it is alive.
    if (err instanceof DaemonError && err.code === 'disconnected') return null;
  } finally {
    clearTimeout(timer);
  }
  return connected;
}
