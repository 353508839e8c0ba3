import { join } from 'node:path';
import type { EventDraft } from '../core/events.js';
import { startBatchProcess, type BatchOptions } from '../runner/batch-process.js';
import type { TaskDriver } from '../runner/task-driver.js';
import type { ProcessEvents, TaskProcess } from '../runner/task-process.js';
import { OpenCodeOutput } from './opencode-output.js';
import { toolEventDraft } from '../runner/tool-event-draft.js';

/**
 * How long an exit may wait for the last of stdout: the process's exit can overtake
 * its final lines (an `error` event printed just before it quits), and the outcome
 * must be judged on the whole stream. Bounded, because a background child may hold
 * the pipe open forever.
 */
const STREAM_SETTLE_MS = 2_000;

export const ANSWER_ARTIFACT = 'answer.md';

/**
 * A batch task with `output: opencode-json`: the process as any batch task, its
 * stdout lifted into `tool_event`s, the task machine told of failures the exit code
 * hides, tokens and cost kept on the task record, the text as `answer.md`.
 */
export function startOpenCodeBatch(
  task: TaskDriver,
  opts: Omit<BatchOptions, 'onStdout'>,
  events: ProcessEvents,
  emit: (draft: EventDraft) => void,
): TaskProcess {
  const output = new OpenCodeOutput(join(task.id.taskDir, 'artifacts', ANSWER_ARTIFACT), {
    toolEvent: (type, data, summary) => emit(toolEventDraft(task, type, data, summary)),
    failure: (message) => task.input({ type: 'tool_failure', message }),
    // task.json and task_completed take the record's usage when the task ends.
    usage: (total) => {
      task.record.usage = total;
    },
  });
  let process: TaskProcess | null = null;
  const settled: ProcessEvents = {
    ...events,
    onExit: (exitCode, signal) => {
      let timer: NodeJS.Timeout | undefined;
      const limit = new Promise<void>((resolve) => (timer = setTimeout(resolve, STREAM_SETTLE_MS)));
      void Promise.race([process?.drained() ?? Promise.resolve(), limit]).then(() => {
        clearTimeout(timer);
        output.end();
        events.onExit(exitCode, signal);
      });
    },
  };
  process = startBatchProcess(task.plan, { ...opts, onStdout: (chunk) => output.push(chunk) }, settled);
  return process;
}
