import { startMirror } from '../mirror/start-mirror.js';
import type { WorkspacePaths } from '../workspace/workspace-paths.js';
import type { Log } from './tui-log.js';

/**
 * `--mirror[=PORT]`: asks the daemon to serve the read-only browser mirror (it lives
 * in the daemon, so it outlives the UI). Returns the note for the status line.
 */
export async function startMirrorIfAvailable(port: number | null, paths: WorkspacePaths, log: Log): Promise<string> {
  if (port === null) return '';
  try {
    const { url } = await startMirror({ paths, port });
    log.write(`mirror: ${url}`);
    return `mirror: ${url}`;
  } catch (err) {
    log.write(`mirror: ${(err as Error).stack}`);
    return `mirror failed: ${(err as Error).message}`;
  }
}
