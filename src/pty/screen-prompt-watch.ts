import type { EventDraft } from '../core/events.js';
import type { ScreenText } from '../core/protocol.js';
import { agentStateEvent, type AgentStateName } from '../runner/tool-event-draft.js';
import type { TaskDriver } from '../runner/task-driver.js';
import type { ProcessEvents } from '../runner/task-process.js';

/** Output silence after which the screen is read: a program that asks has stopped talking. */
export const QUIET_MS = 1_500;

/**
 * Lines that ask the human something: yes/no prompts, permission and confirmation
 * questions. Matched against the last non-blank line of the screen only, so output
 * scrolling past does not count.
 */
const QUESTION = /\[y\/n\]|\(y\/n\)|\[yes\/no\]|\(yes\/no\)|do you want to|allow (this|once|always)|approve\b|press enter to|continue\?|proceed\?|are you sure/i;

/** The line the human would read as the question, if the screen ends with one. */
export function pendingQuestion(screen: Pick<ScreenText, 'lines'>): string | null {
  const last = [...screen.lines].reverse().find((l) => l.trim() !== '');
  return last !== undefined && QUESTION.test(last) ? last.trim() : null;
}

/**
 * The fallback for agents whose own event stream lacp does not read: when the
 * output pauses and the screen ends with a question, the task is `waiting`; output
 * after that makes it `busy` again. Only those two changes are recorded, so a shell
 * that prints and returns to its prompt raises nothing.
 */
export function watchScreenPrompts(
  task: TaskDriver,
  events: ProcessEvents,
  emit: (draft: EventDraft) => void,
  readScreen: () => Promise<ScreenText> | null,
): ProcessEvents {
  let state: AgentStateName | null = null;
  let timer: NodeJS.Timeout | null = null;
  let ended = false;
  const look = async () => {
    timer = null;
    const screen = await readScreen();
    if (!screen || ended || timer) return; // output came meanwhile: judge at the next pause
    const question = pendingQuestion(screen);
    if (question && state !== 'waiting') {
      emit(agentStateEvent(task, 'waiting', state, 'screen', question));
      state = 'waiting';
    }
  };
  const stop = () => {
    ended = true;
    if (timer) clearTimeout(timer);
    timer = null;
  };
  return {
    ...events,
    onOutput: () => {
      events.onOutput();
      if (ended) return;
      if (state === 'waiting') {
        emit(agentStateEvent(task, 'busy', state, 'screen'));
        state = 'busy';
      }
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void look(), QUIET_MS);
    },
    onSpawnError: (message) => {
      stop();
      events.onSpawnError(message);
    },
    onExit: (exitCode, signal) => {
      stop();
      events.onExit(exitCode, signal);
    },
  };
}
