/** What the task driver needs from a running process, batch or PTY alike. */
export interface ProcessEvents {
  onSpawn(pid: number): void;
  onSpawnError(message: string): void;
  onOutput(): void;
  onExit(exitCode: number | null, signal: string | null): void;
}

export interface TaskProcess {
  /** Resolves once every byte the process wrote is in its log files. */
  drained(): Promise<void>;
  /** Interactive tasks: type into the terminal (cancel's interrupt keys). Batch: nothing to type into. */
  sendKeys(text: string): void;
  /** Stops writing logs even if a straggler still holds the pipes. */
  abandon(): void;
}
