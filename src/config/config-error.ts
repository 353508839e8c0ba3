/**
 * A problem in a file the user wrote, located so an editor can jump to it. A file
 * with several problems is one ConfigError for the first (in file order) carrying the
 * rest in `more`: its message stays one line, for commands that report one line, and
 * says how many more there are; `lacp validate` prints them all.
 */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly col: number,
    readonly detail: string,
    /** The problems after this one, in file order. */
    readonly more: readonly ConfigError[] = [],
  ) {
    super(`${file}:${line}:${col} ${detail}${more.length > 0 ? ` (and ${more.length} more: lacp validate)` : ''}`);
    this.name = 'ConfigError';
  }

  /** Every problem found, this one first, each as one ConfigError without `more`. */
  get all(): ConfigError[] {
    return [new ConfigError(this.file, this.line, this.col, this.detail), ...this.more];
  }

  /** One ConfigError for a non-empty list of problems: the first in file order, the rest in `more`. */
  static of(problems: readonly ConfigError[]): ConfigError {
    const sorted = [...problems].sort((a, b) => a.line - b.line || a.col - b.col);
    const [first, ...rest] = sorted;
    if (!first) throw new Error('ConfigError.of: no problems');
    return new ConfigError(first.file, first.line, first.col, first.detail, rest);
  }
}
