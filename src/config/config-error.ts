/** A problem in a file the user wrote, located so an editor can jump to it. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly col: number,
    readonly detail: string,
  ) {
    super(`${file}:${line}:${col} ${detail}`);
    this.name = 'ConfigError';
  }
}
