import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

/**
 * Finds the file `program` names, as execvp would: a path with a slash as is
 * (relative to cwd), else the first executable match on PATH. Null when there is none,
 * so a missing binary is a spawn error before anything starts.
 */
export function resolveProgram(program: string, cwd: string, path: string | undefined): string | null {
  if (program.includes('/')) {
    const file = isAbsolute(program) ? program : resolve(cwd, program);
    return isExecutableFile(file) ? file : null;
  }
  for (const dir of (path ?? '').split(delimiter)) {
    if (!dir) continue;
    const file = join(isAbsolute(dir) ? dir : resolve(cwd, dir), program);
    if (isExecutableFile(file)) return file;
  }
  return null;
}

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
