import { describe, expect, it } from 'vitest';
import { runTreeLines } from '../../src/tui/view/run-tree-view.js';
import { task, withTasks } from './state-fixtures.js';

describe('run tree', () => {
  it("shows a task's title after its state, and cuts the title first when narrow", () => {
    const state = withTasks(task('t-1', { tool: 'opencode', phase: 'impl', duration_ms: 5000, exit_code: 0, status: 'succeeded', title: 'fix the flaky login test' }));
    const wide = runTreeLines(state, 80, 10).join('\n');
    expect(wide).toMatch(/t-1 opencode impl \S+ exit 0 fix the flaky login test/);
    const narrow = runTreeLines(state, 34, 10).join('\n');
    expect(narrow).toContain('exit 0');
    expect(narrow).not.toContain('login test');
  });
});
