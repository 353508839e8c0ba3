import { get, type ClientRequest } from 'node:http';
import type { EventDraft } from '../core/events.js';
import { agentStateEvent } from '../runner/tool-event-draft.js';
import type { TaskDriver } from '../runner/task-driver.js';
import type { ProcessEvents } from '../runner/task-process.js';
import { LineSplitter } from './line-splitter.js';
import { newTracker, portOf, stateOf, trackEvent, type AgentState } from './agent-state.js';
import { isOpenCode } from './opencode-launch.js';

/**
 * OpenCode opens its port a while after the process starts, and says nothing when it
 * has: lacp tries to connect this often until it answers (or the task ends).
 */
const CONNECT_RETRY_MS = 250;
/**
 * A stream connected while OpenCode is still starting can stay silent for good
 * (seen with 1.18 under load); without its first event (`server.connected`) in this
 * long, the connection is dropped and made again.
 */
const FIRST_EVENT_MS = 5_000;

/**
 * For an interactive OpenCode started with `--port`: follows its event stream and
 * emits a `tool_event` of type `agent_state` on every change of busy / waiting / idle.
 * Other tasks get their events back untouched.
 */
export function watchOpenCodeAgent(task: TaskDriver, events: ProcessEvents, emit: (draft: EventDraft) => void): ProcessEvents {
  const port = task.plan.spec.mode === 'interactive' && isOpenCode(task.plan.argv[0] ?? '') ? portOf(task.plan.argv) : null;
  if (port === null) return events;
  let last: AgentState | null = null;
  const watcher = new AgentStateWatcher(port, (state) => {
    if (state === last) return;
    const previous = last;
    last = state;
    emit(agentStateEvent(task, state, previous, 'opencode'));
  });
  return {
    ...events,
    onSpawn: (pid) => {
      events.onSpawn(pid);
      watcher.start();
    },
    onSpawnError: (message) => {
      watcher.stop();
      events.onSpawnError(message);
    },
    onExit: (exitCode, signal) => {
      watcher.stop();
      events.onExit(exitCode, signal);
    },
  };
}

/** An SSE client of OpenCode's `GET /event`, reconnecting until stopped. */
class AgentStateWatcher {
  private request: ClientRequest | null = null;
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly port: number,
    private readonly onState: (state: AgentState) => void,
  ) {}

  start(): void {
    if (this.stopped || this.request) return;
    const tracker = newTracker();
    const lines = new LineSplitter();
    let connected = false;
    const stall = setTimeout(() => request.destroy(), FIRST_EVENT_MS);
    const request = get({ host: '127.0.0.1', port: this.port, path: '/event', headers: { accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return;
      }
      res.on('data', (chunk: Buffer) => {
        if (!connected) {
          connected = true;
          clearTimeout(stall);
          // Until it says otherwise, an agent that just started waits for its first prompt.
          this.onState(stateOf(tracker));
        }
        for (const line of lines.push(chunk)) {
          if (!line.text.startsWith('data:')) continue;
          try {
            this.onState(trackEvent(tracker, JSON.parse(line.text.slice(5))));
          } catch {
            // A line that is not JSON is not an event of OpenCode's: skip it.
          }
        }
      });
    });
    request.on('error', () => undefined);
    request.on('close', () => {
      clearTimeout(stall);
      if (this.request !== request) return;
      this.request = null;
      if (!this.stopped) this.retry = setTimeout(() => this.start(), CONNECT_RETRY_MS);
    });
    this.request = request;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    this.request?.destroy();
    this.request = null;
  }
}
