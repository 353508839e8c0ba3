import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type Result } from 'execa';
import { readTelemetry } from '../../src/telemetry/telemetry-reader.js';
import { RunStore } from '../../src/telemetry/run-store.js';
import type { TelemetryEvent } from '../../src/core/events.js';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const LACP_BIN = join(REPO, 'bin', 'lacp.js');
export const FIXTURES = join(REPO, 'test', 'fixtures');

/** A throwaway workspace with its own daemon; `dispose` stops the daemon and removes the directory. */
export class TestWorkspace {
  readonly root: string;

  constructor(toolsYaml?: string) {
    this.root = mkdtempSync(join(tmpdir(), 'lacp-ws-'));
    if (toolsYaml !== undefined) writeFileSync(join(this.root, 'tools.yaml'), toolsYaml);
  }

  /** Runs `lacp ARGS` in this workspace; never throws on a nonzero exit. */
  lacp(args: string[], opts: { input?: string; env?: Record<string, string | undefined> } = {}): Promise<Result<{ reject: false }>> {
    return execa(process.execPath, [LACP_BIN, ...args], {
      cwd: this.root,
      env: { LACP_WORKSPACE: this.root, ...opts.env },
      input: opts.input,
      reject: false,
    }) as Promise<Result<{ reject: false }>>;
  }

  /** `lacp run ... ` and the ids it printed. */
  async run(args: string[]): Promise<{ runId: string; taskId: string; result: Result<{ reject: false }> }> {
    const result = await this.lacp(['run', ...args]);
    const [runId, taskId] = String(result.stdout).split('\n')[0]!.split(' ');
    return { runId: runId!, taskId: taskId!, result };
  }

  get runs(): RunStore {
    return new RunStore(join(this.root, 'runs'));
  }

  events(runId?: string): TelemetryEvent[] {
    const id = runId ?? this.runs.newest();
    return id ? readTelemetry(this.runs.telemetryFile(id)).events : [];
  }

  taskEvents(taskId: string): TelemetryEvent[] {
    return this.events().filter((e) => 'task_id' in e && e.task_id === taskId);
  }

  async dispose(): Promise<void> {
    await this.lacp(['daemon', 'stop']);
    rmSync(this.root, { recursive: true, force: true });
  }
}
