import { z } from 'zod';

/**
 * A layout preset (`panes/NAME.yaml`): where each region of lacp-tui sits, in
 * percent of the screen (the status line below is not counted). Regions left out
 * are not shown; the terminal grid is always there.
 */
const Percent = z.number().min(0).max(100);

export const RegionRect = z
  .object({ left: Percent, top: Percent, width: Percent.positive(), height: Percent.positive() })
  .strict()
  .refine((r) => r.left + r.width <= 100 && r.top + r.height <= 100, { message: 'region reaches past the screen (left+width and top+height must be at most 100)' });
export type RegionRect = z.infer<typeof RegionRect>;

export const REGION_NAMES = ['runs', 'metrics', 'terminals', 'events'] as const;
export type RegionName = (typeof REGION_NAMES)[number];

/** Most tiles a grid page shows: 3x3 keeps a 160-column terminal readable. */
export const MAX_TILES_PER_PAGE = 9;

export const PaneLayout = z
  .object({
    version: z.literal(1),
    description: z.string().optional(),
    regions: z
      .object({
        runs: RegionRect.optional(),
        metrics: RegionRect.optional(),
        terminals: RegionRect,
        events: RegionRect.optional(),
      })
      .strict(),
    /** Key bindings over the defaults: command id -> keys (blessed names: `z`, `C-a`, `S-tab`, `f2`). */
    keys: z.record(z.string(), z.array(z.string().min(1)).min(1)).default({}),
    /** Tiles on one page of the grid before paging. */
    max_tiles: z.number().int().min(1).max(MAX_TILES_PER_PAGE).default(MAX_TILES_PER_PAGE),
  })
  .strict();
export type PaneLayout = z.infer<typeof PaneLayout>;

/** Percent sums such as 0.1 + 0.2 come out a hair past the edge they name: not an overlap. */
const EDGE_SLACK = 1e-9;

/** The cells two regions both cover (in percent), or null: sharing an edge is not overlapping. */
export function regionOverlap(a: RegionRect, b: RegionRect): RegionRect | null {
  const left = Math.max(a.left, b.left);
  const top = Math.max(a.top, b.top);
  const right = Math.min(a.left + a.width, b.left + b.width);
  const bottom = Math.min(a.top + a.height, b.top + b.height);
  return right - left > EDGE_SLACK && bottom - top > EDGE_SLACK ? { left, top, width: right - left, height: bottom - top } : null;
}
