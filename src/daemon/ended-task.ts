import type { TaskOutcome } from '../core/protocol.js';

/**
 * What lacp says about a task that has ended, whoever says it: the daemon that ran it
 * (still holding it in memory), a later daemon that only knows it from its task.json, or
 * `lacp attach`. One wording, with the outcome, so an answer does not change with a restart.
 */
export function endedTask(o: Pick<TaskOutcome, 'task_id' | 'status' | 'exit_code' | 'signal'>): string {
  const how = o.exit_code !== null ? `, exit ${o.exit_code}` : o.signal ? `, ${o.signal}` : '';
  return `task ${o.task_id} has ended (${o.status}${how})`;
}

/** Why a request that needs a live task is refused for an ended one. */
export type EndedRefusal = 'input' | 'checkpoint' | 'screen';

export function endedRefusal(o: TaskOutcome, refused: EndedRefusal): string {
  switch (refused) {
    case 'input':
      return `${endedTask(o)}: nothing to type into`;
    case 'checkpoint':
      return `${endedTask(o)}: no checkpoint to resolve`;
    case 'screen':
      return `${endedTask(o)}; its screen is no longer kept: lacp logs ${o.task_id} shows its output`;
  }
}

/** `lacp attach` of an ended task whose last screen the daemon still holds. */
export function endedAttach(o: TaskOutcome): string {
  return `${endedTask(o)}; its last screen: lacp screen ${o.task_id}`;
}
