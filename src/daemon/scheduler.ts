/** What the scheduler needs to know of a task. */
export interface Schedulable {
  readonly tool: string;
  readonly toolLimit: number | undefined;
  admit(): void;
  /** False once the task left the queue another way (cancelled while queued). */
  stillQueued(): boolean;
}

/**
 * FIFO with a global and a per-tool limit. A task whose tool is at its limit does
 * not hold up tasks of other tools behind it; a freed slot is refilled at once.
 */
export class Scheduler<T extends Schedulable> {
  private readonly queue: T[] = [];
  private readonly active = new Set<T>();
  private readonly activePerTool = new Map<string, number>();

  constructor(private readonly globalLimit: () => number) {}

  get runningCount(): number {
    return this.active.size;
  }
  get queuedCount(): number {
    return this.queue.filter((t) => t.stillQueued()).length;
  }

  enqueue(task: T): void {
    this.queue.push(task);
    this.pump();
  }

  release(task: T): void {
    if (!this.active.delete(task)) return;
    this.activePerTool.set(task.tool, (this.activePerTool.get(task.tool) ?? 1) - 1);
    this.pump();
  }

  /** Admits what the limits now allow: after a limit was raised. */
  refill(): void {
    this.pump();
  }

  private pump(): void {
    let i = 0;
    while (i < this.queue.length && this.active.size < this.globalLimit()) {
      const task = this.queue[i]!;
      if (!task.stillQueued()) {
        this.queue.splice(i, 1);
        continue;
      }
      const toolActive = this.activePerTool.get(task.tool) ?? 0;
      if (task.toolLimit !== undefined && toolActive >= task.toolLimit) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      this.active.add(task);
      this.activePerTool.set(task.tool, toolActive + 1);
      task.admit();
    }
  }
}
