import { parse } from '../args.js';
import { CliContext } from '../cli-context.js';
import { CliError } from '../cli-error.js';

export const MIRROR_HELP = `lacp mirror [--port N] [--stop] [--json]
  Starts the read-only browser mirror in the workspace daemon (if it is not running) and prints
  its URL, token included: http://127.0.0.1:PORT/?token=TOKEN. Anyone with the URL can watch,
  nobody can type. The same URL keeps working across daemon restarts; --stop closes the mirror
  and forgets the token.`;

interface MirrorInfo {
  url: string;
  port: number;
}

export async function mirrorCommand(argv: string[]): Promise<number> {
  const { values } = parse('mirror', argv, { port: { type: 'string' }, stop: { type: 'boolean' } }, false);
  const port = values.port === undefined ? null : Number(values.port);
  if (port !== null && !(Number.isInteger(port) && port >= 0 && port <= 65535))
    throw new CliError(`lacp mirror: --port ${values.port}: expected a port number 0-65535 (0: any free port)`);
  const ctx = new CliContext(values.workspace);
  try {
    if (values.stop) {
      await ctx.call('mirror', { stop: true });
      if (values.json) ctx.print(JSON.stringify({ stopped: true }));
      return 0;
    }
    const info = await ctx.call<MirrorInfo>('mirror', { port });
    ctx.print(values.json ? JSON.stringify(info) : info.url);
    return 0;
  } finally {
    ctx.close();
  }
}
