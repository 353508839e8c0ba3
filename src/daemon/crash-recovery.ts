import type { EventDraft } from '../core/events.js';
import { logPaths, type RunStore } from '../telemetry/run-store.js';
import { readTaskRecord, writeTaskRecord } from '../telemetry/task-record-file.js';
import { readTelemetry } from '../telemetry/telemetry-reader.js';
import { isSameProcess } from '../runner/proc-table.js';
import { sweepTask } from '../runner/process-tree.js';

/**
 * A daemon that starts finds the tasks an earlier daemon left without an ending:
 * it kills what is left of them and ends each as `lost`.
 */
export async function recoverLostTasks(
  runs: RunStore,
  emit: (draft: EventDraft, opts: { durable: boolean }) => Promise<void>,
  log: (message: string) => void,
): Promise<number> {
  let lost = 0;
  for (const runId of runs.list()) {
    const { events } = readTelemetry(runs.telemetryFile(runId));
    const open = new Map<string, Extract<(typeof events)[number], { event: 'task_queued' }>>();
    for (const e of events) {
      if (e.event === 'task_queued') open.set(e.task_id, e);
      else if (e.event === 'task_completed') open.delete(e.task_id);
    }
    for (const [taskId, queued] of open) {
      const taskDir = runs.taskDir(runId, taskId);
      const record = readTaskRecord(taskDir);
      let killed = 0;
      // Check the start time before signalling: the pid may belong to someone else by now.
      if (record?.pid && isSameProcess(record.pid, record.pid_start_ticks)) killed = await sweepTask(record.pid, taskId);
      else killed = await sweepTask(null, taskId);
      const now = new Date();
      const started = record?.timestamps.started ?? record?.timestamps.queued ?? queued.ts;
      const durationMs = Math.max(0, now.getTime() - Date.parse(started));
      const summary = `lost: the daemon ended while the task was ${record?.status ?? 'active'}${killed ? ` (killed ${killed} leftover process${killed > 1 ? 'es' : ''})` : ''}`;
      if (record) {
        record.status = 'lost';
        record.timestamps.ended = now.toISOString();
        record.outcome = { exit_code: null, signal: null, error_class: 'lost', summary, duration_ms: durationMs, artifacts: [] };
        writeTaskRecord(taskDir, record);
      }
      await emit(
        {
          event: 'task_completed',
          run_id: runId,
          task_id: taskId,
          tool: queued.tool,
          mode: queued.mode,
          phase: queued.phase,
          agent_role: queued.agent_role,
          log_paths: logPaths(taskId),
          status: 'lost',
          exit_code: null,
          signal: null,
          duration_ms: durationMs,
          artifacts: [],
          error_class: 'lost',
          summary,
        },
        { durable: true },
      );
      log(`task ${taskId} of ${runId}: ${summary}`);
      lost++;
    }
  }
  return lost;
}
