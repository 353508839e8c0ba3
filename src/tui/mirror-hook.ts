import type { WorkspacePaths } from '../workspace/workspace-paths.js';
import type { Log } from './tui-log.js';

/** What the mirror module is expected to export once it lands (src/mirror/mirror-server.ts). */
type StartMirror = (opts: { paths: WorkspacePaths; port: number }) => Promise<{ url: string }>;

/**
 * `--mirror[=PORT]`: serves the read-only browser view when this build has the
 * mirror server; otherwise says so on the status line. Returns the status note.
 */
export async function startMirrorIfAvailable(port: number | null, paths: WorkspacePaths, log: Log): Promise<string> {
  if (port === null) return '';
  let start: StartMirror | undefined;
  try {
    const mod = (await import(new URL('../mirror/mirror-server.js', import.meta.url).href)) as { startMirror?: StartMirror };
    start = mod.startMirror;
  } catch (err) {
    log.write(`mirror: not available: ${(err as Error).message}`);
  }
  if (!start) return 'mirror: not yet in this build (try lacp mirror)';
  try {
    const { url } = await start({ paths, port });
    log.write(`mirror: ${url}`);
    return `mirror: ${url}`;
  } catch (err) {
    log.write(`mirror: ${(err as Error).stack}`);
    return `mirror failed: ${(err as Error).message}`;
  }
}
