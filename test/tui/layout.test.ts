import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gridShape, labelRoom, layoutRects, pageSlice, regionRect, tileFits, tileRects } from '../../src/tui/layout-math.js';
import { loadLayout, parseLayoutText } from '../../src/tui/layout-preset.js';

describe('layout maths', () => {
  it('a tile fits when it holds its border and one row; a title keeps ─┐ clear', () => {
    const grid = (cols: number, rows: number) => tileRects(layoutRects(loadLayout('default', '/nonexistent').layout, cols, rows - 1).terminals!, 9);
    expect(grid(60, 18).every(tileFits)).toBe(true);
    expect(grid(40, 12).every(tileFits)).toBe(false); // 3 rows of 2: borders only
    expect(tileFits({ left: 0, top: 0, width: 4, height: 3 })).toBe(true);
    expect(tileFits({ left: 0, top: 0, width: 3, height: 3 })).toBe(false);
    expect(labelRoom(15)).toBe(11); // from column 2 to 12 of 0-14: column 13 is ─, 14 the corner
    expect(labelRoom(3)).toBe(0);
  });

  it('shares edges between neighbouring regions at any screen size', () => {
    for (const cols of [80, 97, 160, 211])
      for (const rows of [24, 37, 48]) {
        const r = layoutRects(loadLayout('default', '/nonexistent').layout, cols, rows);
        expect(r.runs!.left + r.runs!.width).toBe(r.terminals!.left);
        expect(r.metrics!.top + r.metrics!.height).toBe(r.terminals!.top);
        expect(r.terminals!.top + r.terminals!.height).toBe(r.events!.top);
        expect(r.events!.top + r.events!.height).toBe(rows);
        expect(r.terminals!.left + r.terminals!.width).toBe(cols);
      }
  });

  it('arranges 1, 2, 4, 6 and 9 tiles and fills the area exactly', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 9].map((n) => gridShape(n))).toEqual([
      { cols: 1, rows: 1 }, { cols: 2, rows: 1 }, { cols: 2, rows: 2 }, { cols: 2, rows: 2 },
      { cols: 3, rows: 2 }, { cols: 3, rows: 2 }, { cols: 3, rows: 3 }, { cols: 3, rows: 3 },
    ]);
    const area = { left: 10, top: 5, width: 101, height: 31 };
    for (const n of [1, 2, 4, 6, 9]) {
      const tiles = tileRects(area, n);
      expect(tiles).toHaveLength(n);
      const cells = tiles.reduce((sum, t) => sum + t.width * t.height, 0);
      expect(cells).toBe(area.width * area.height);
      for (const t of tiles) {
        expect(t.left).toBeGreaterThanOrEqual(area.left);
        expect(t.left + t.width).toBeLessThanOrEqual(area.left + area.width);
      }
    }
  });

  it('pages tiles beyond the page size and clamps the page', () => {
    expect(pageSlice(20, 9, 0)).toEqual({ page: 0, first: 0, count: 9 });
    expect(pageSlice(20, 9, 2)).toEqual({ page: 2, first: 18, count: 2 });
    expect(pageSlice(20, 9, 7)).toEqual({ page: 2, first: 18, count: 2 });
    expect(pageSlice(0, 9, 3)).toEqual({ page: 0, first: 0, count: 0 });
  });

  it('rounds percentages by edge', () => {
    expect(regionRect({ left: 33.3, top: 0, width: 33.4, height: 100 }, 100, 10)).toEqual({ left: 33, top: 0, width: 34, height: 10 });
  });
});

describe('layout presets', () => {
  it('ships default, focus and grid, all valid', () => {
    for (const name of ['default', 'focus', 'grid']) expect(loadLayout(name, '/nonexistent').layout.regions.terminals).toBeDefined();
  });

  it('prefers the workspace panes/ and reports a bad preset with file, line and column', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lacp-panes-'));
    writeFileSync(join(dir, 'mine.yaml'), 'version: 1\nregions:\n  terminals: { left: 0, top: 0, width: 100, height: 100 }\n  sidebar: { left: 0, top: 0, width: 1, height: 1 }\n');
    expect(() => loadLayout('mine', dir)).toThrow(/mine\.yaml:4:3 regions\.sidebar: unknown key 'sidebar'/);
    expect(() => parseLayoutText('version: 1\nregions:\n  terminals: { left: 50, top: 0, width: 60, height: 100 }\n', 'x.yaml')).toThrow(/x\.yaml:3:14 regions\.terminals: region reaches past the screen/);
    expect(() => parseLayoutText('version: 1\nregions: {}\n', 'y.yaml')).toThrow(/y\.yaml:2:\d+ regions\.terminals: required \(expected object\)/);
    expect(() => parseLayoutText('version: 1\nregions:\n  terminals: { left: 0, top: 0, width: 100, height: 100 }\nkeys:\n  zoom: [f]\n  zooom: [g]\n', 'k.yaml')).toThrow(/k\.yaml:6:3 keys\.zooom: no such command/);
    expect(parseLayoutText('version: 1\nregions:\n  terminals: { left: 0, top: 0, width: 100, height: 100 }\nkeys:\n  zoom: [f]\n', 'k.yaml').keys).toEqual({ zoom: ['f'] });
    // A binding that takes leave's only key would trap keys in a pane: refused unless leave gets another.
    expect(() => parseLayoutText('version: 1\nregions:\n  terminals: { left: 0, top: 0, width: 100, height: 100 }\nkeys:\n  zoom: [C-a]\n', 'l.yaml')).toThrow(/l\.yaml:5:3 keys\.zoom: takes leave's only key/);
    expect(parseLayoutText('version: 1\nregions:\n  terminals: { left: 0, top: 0, width: 100, height: 100 }\nkeys:\n  zoom: [C-a]\n  leave: [C-b]\n', 'l.yaml').keys).toEqual({ zoom: ['C-a'], leave: ['C-b'] });
    expect(() => loadLayout('nope', dir)).toThrow(/^unknown layout 'nope' \(available: default, focus, grid, mine\)$/);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses two regions covering the same cells, naming both, at the later one', () => {
    const overlap = 'version: 1\nregions:\n  runs:      { left: 0, top: 0, width: 30, height: 80 }\n  terminals: { left: 30, top: 0, width: 70, height: 100 }\n  events:    { left: 0, top: 70, width: 30, height: 30 }\n';
    expect(() => parseLayoutText(overlap, 'o.yaml')).toThrow(/^o\.yaml:5:3 regions\.events: overlaps regions\.runs \(left 0-30, top 70-80\)$/);
    // Sharing an edge is not overlapping: the shipped presets all do.
    const touching = overlap.replace('top: 70, width: 30, height: 30', 'top: 80, width: 30, height: 20');
    expect(parseLayoutText(touching, 'o.yaml').regions.events).toEqual({ left: 0, top: 80, width: 30, height: 20 });
    for (const name of ['default', 'focus', 'grid']) expect(() => loadLayout(name, '/nonexistent')).not.toThrow();
    // An edge reached by a sum of fractions (0.1 + 0.2) is the same edge.
    expect(() => parseLayoutText('version: 1\nregions:\n  runs: { left: 0.1, top: 0, width: 0.2, height: 100 }\n  terminals: { left: 0.3, top: 0, width: 99.7, height: 100 }\n', 'f.yaml')).not.toThrow();
  });
});
