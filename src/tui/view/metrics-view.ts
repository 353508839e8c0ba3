import blessed from 'blessed';
import { createRequire } from 'node:module';
import { FINAL_STATUSES } from '../../core/status.js';
import type { AppState } from '../app-state.js';
import { formatBytes, type TaskUsage } from '../proc-metrics.js';
import { formatUsage } from '../token-usage.js';
import type { Rect } from '../layout-math.js';
import { bold, paint, setBoxLabel, styleColor } from './style.js';

// The widget alone: blessed-contrib's index loads every widget (maps, canvas) at startup.
const require = createRequire(import.meta.url);
type Sparkline = blessed.Widgets.BoxElement & { setData(titles: string[], data: number[][]): void };
const sparkline = require('blessed-contrib/lib/widget/sparkline.js') as (opts: object) => Sparkline;

export interface MetricsSample {
  eventsPerSec: number[];
  cpuPercent: number[];
  usage: TaskUsage | null;
}

export interface TaskCounts {
  running: number;
  queued: number;
  /** Held at a checkpoint: waiting for a human, not for a slot. */
  waiting: number;
  finished: number;
  /** Ended badly: failed, timed out, lost. A cancel is someone's decision, counted apart. */
  failed: number;
  cancelled: number;
}

export function taskCounts(state: AppState): TaskCounts {
  const c: TaskCounts = { running: 0, queued: 0, waiting: 0, finished: 0, failed: 0, cancelled: 0 };
  for (const run of state.runs)
    for (const t of run.tasks) {
      if (t.status === 'running') c.running++;
      else if (t.status === 'queued') c.queued++;
      else if (t.status === 'awaiting_checkpoint') c.waiting++;
      else if (FINAL_STATUSES.has(t.status)) {
        c.finished++;
        if (t.status === 'cancelled') c.cancelled++;
        else if (t.status !== 'succeeded') c.failed++;
      }
    }
  return c;
}

/** Sparkline titles are `{NAME-fg}` tags and an empty name means white there: `default` keeps them plain under NO_COLOR. */
const SPARK_TITLE_PLAIN = 'default';

/** Counts and live usage on the left, events/s and CPU sparklines on the right. */
export class MetricsView {
  private readonly counts: blessed.Widgets.BoxElement;
  private readonly spark: Sparkline;

  constructor(screen: blessed.Widgets.Screen) {
    this.counts = blessed.box({ parent: screen, border: { type: 'line' }, tags: true, style: { border: { fg: styleColor('gray') } } });
    this.spark = sparkline({ parent: screen, border: { type: 'line' }, tags: true, style: { fg: styleColor('cyan'), titleFg: styleColor('white') ?? SPARK_TITLE_PLAIN, border: { fg: styleColor('gray') } } });
  }

  place(rect: Rect | undefined): void {
    for (const w of [this.counts, this.spark]) (rect ? w.show() : w.hide());
    if (!rect) return;
    const half = Math.floor(rect.width * 0.45);
    Object.assign(this.counts, { left: rect.left, top: rect.top, width: half, height: rect.height });
    Object.assign(this.spark, { left: rect.left + half, top: rect.top, width: rect.width - half, height: rect.height });
    setBoxLabel(this.counts, 'metrics', { width: half, height: rect.height });
    setBoxLabel(this.spark, 'activity', { width: rect.width - half, height: rect.height });
  }

  show(state: AppState, sample: MetricsSample): void {
    const c = taskCounts(state);
    // Waiting and cancelled only when there are some: the box is narrow, and both are rare.
    const waiting = c.waiting ? `  ${paint('yellow', 'waiting')} ${bold(String(c.waiting))}` : '';
    const cancelled = c.cancelled ? `  ${paint('gray', 'cancelled')} ${bold(String(c.cancelled))}` : '';
    const u = sample.usage;
    this.counts.setContent([
      `${paint('cyan', 'running')} ${bold(String(c.running))}  ${paint('blue', 'queued')} ${bold(String(c.queued))}${waiting}`,
      `${paint('green', 'finished')} ${bold(String(c.finished))}  ${paint('red', 'failed')} ${bold(String(c.failed))}${cancelled}`,
      u ? `cpu ${u.cpuPercent.toFixed(0)}%  mem ${formatBytes(u.rssBytes)}` : 'cpu/mem: no /proc',
      state.usage.tokens > 0 || state.usage.cost > 0 ? formatUsage(state.usage) : '',
    ].join('\n'));
    const width = Math.max(2, (this.spark.width as number) - 4);
    // sparkline draws a flat series as blank: a zero floor keeps idle visible as the lowest bar.
    this.spark.setData(['events/s', 'cpu %'], [sample.eventsPerSec.slice(-width), sample.cpuPercent.slice(-width)]);
  }
}
