/** Exit codes of `lacp` itself (the contract). */
export const EXIT_OK = 0;
export const EXIT_USAGE = 2;
export const EXIT_UNREACHABLE = 3;

/** A failure to report as one line, with the exit code that goes with it. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_USAGE,
    /** The message starts with FILE:LINE:COL: printed bare, so editors and compilers' users can jump to it. */
    readonly located = false,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
