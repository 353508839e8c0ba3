import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TestWorkspace } from '../helpers/workspace.js';
import { disposeChecked } from '../helpers/runner-checks.js';

/** A file with three problems, not in the order the schema declares its keys. */
const THREE_PROBLEMS = [
  'version: 1',
  'defaults:',
  '  max_parallel: 2',
  '  bogus_default: 1',
  'tools:',
  '  "bad name!":',
  '    cmd: [x]',
  '  t1:',
  '    cmd: [x]',
  '    colour: red',
  '',
].join('\n');

const EXPECTED_LINES = [
  "tools.yaml:4:3 defaults.bogus_default: unknown key 'bogus_default'",
  "tools.yaml:6:3 tools: invalid name 'bad name!' (a tool name may contain only letters, digits and _ . -)",
  "tools.yaml:10:5 tools.t1.colour: unknown key 'colour'",
];

describe('lacp validate in a workspace without tools.yaml', () => {
  const ws = new TestWorkspace();
  afterAll(() => disposeChecked(ws));

  it('says so on one line and exits 0: the built-in tools are all there is', async () => {
    const r = await ws.lacp(['validate']);
    expect([r.exitCode, r.stdout, r.stderr]).toEqual([0, 'tools.yaml: none in this workspace (built-in tools only: shell, sh)', '']);
  });

  it('--json: ok, not found, no declared tools, the built-ins', async () => {
    const r = await ws.lacp(['validate', '--json']);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ file: 'tools.yaml', ok: true, found: false, tools: [], builtin_tools: ['shell', 'sh'] });
  });

  it('a FILE named on the command line that does not exist is an error: one line, exit 2', async () => {
    const r = await ws.lacp(['validate', 'nope.yaml']);
    expect([r.exitCode, r.stderr, r.stdout]).toEqual([2, 'nope.yaml:1:1 no such file', '']);
  });
});

describe('lacp validate reports every problem', () => {
  const ws = new TestWorkspace(THREE_PROBLEMS);
  afterAll(() => disposeChecked(ws));

  it('one FILE:LINE:COL line each, in file order, exit 2', async () => {
    const r = await ws.lacp(['validate']);
    expect([r.exitCode, r.stdout]).toEqual([2, '']);
    expect(r.stderr.split('\n')).toEqual(EXPECTED_LINES);
  });

  it('--json: every problem under errors, the first also at the top level', async () => {
    const r = await ws.lacp(['validate', '--json']);
    expect(r.exitCode).toBe(2);
    const errors = EXPECTED_LINES.map((l) => {
      const [, line, col, message] = /^tools\.yaml:(\d+):(\d+) (.*)$/.exec(l)!;
      return { line: Number(line), col: Number(col), message };
    });
    expect(JSON.parse(r.stdout)).toEqual({ file: 'tools.yaml', ok: false, ...errors[0], errors });
  });

  it('lacp run prints the first on one line with how many more, and starts no daemon', async () => {
    const r = await ws.lacp(['run', 'sh', '--prompt', 'true']);
    expect([r.exitCode, r.stderr]).toEqual([2, `${EXPECTED_LINES[0]} (and 2 more: lacp validate)`]);
    expect((await ws.lacp(['daemon', 'status'])).exitCode).toBe(3);
  });

  it('a file with one problem still gets one line and no count', async () => {
    writeFileSync(join(ws.root, 'tools.yaml'), 'version: 1\ntools:\n  ok:\n    cmd: [x]\n  "bad name!":\n    cmd: [x]\n');
    const r = await ws.lacp(['validate']);
    expect([r.exitCode, r.stderr]).toEqual([2, "tools.yaml:5:3 tools: invalid name 'bad name!' (a tool name may contain only letters, digits and _ . -)"]);
    const run = await ws.lacp(['run', 'ok']);
    expect([run.exitCode, run.stderr]).toEqual([2, r.stderr]);
  });
});
