import { ensureDaemon } from '../client/ensure-daemon.js';
import type { WorkspacePaths } from '../workspace/workspace-paths.js';

/**
 * For a client process (lacp-tui --mirror[=PORT]): asks the workspace daemon,
 * starting it if needed, to serve the mirror, which lives in the daemon so it
 * outlives the UI. Port 0 means "the saved port, else any free one".
 */
export async function startMirror(opts: { paths: WorkspacePaths; port: number }): Promise<{ url: string; port: number }> {
  const client = await ensureDaemon(opts.paths);
  try {
    return await client.request<{ url: string; port: number }>('mirror', { port: opts.port === 0 ? null : opts.port });
  } finally {
    client.close();
  }
}
