import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { searchJsonl } from '../../src/index-db/jsonl-search.js';
import { RunIndex } from '../../src/index-db/run-index.js';
import { HIT_END, HIT_START, type SearchHit } from '../../src/index-db/search-hit.js';
import { searchIndex } from '../../src/index-db/search-query.js';
import { loadSqlite } from '../../src/index-db/sqlite-driver.js';
import { RunFixture } from './telemetry-fixture.js';

let root: string;
let index: RunIndex;

beforeEach(async () => {
  const sqlite = await loadSqlite();
  if (!sqlite.ok) throw new Error(sqlite.reason);
  root = mkdtempSync(join(tmpdir(), 'lacp-search-'));
  const runsDir = join(root, 'runs');
  new RunFixture(runsDir, 'RUN-20261120-001')
    .start('parser work')
    .task({ id: 't-sum', summary: 'refactor the tokenizer for speed' })
    .task({ id: 't-tool', tool: 'opencode', toolEvents: [{ type: 'text', text: 'I found the flamingo bug in lexer.ts' }] })
    .task({ id: 't-out', status: 'failed', stdout: 'compiling...\n\x1b[31merror: undefined symbol quokka_init\x1b[0m\n', stderr: 'ld: warning\n' });
  new RunFixture(runsDir, 'RUN-20261121-001', Date.parse('2026-11-21T08:00:00.000Z'))
    .start()
    .task({ id: 't-later', summary: 'tokenizer follow-up' })
    .task({ id: 't-emoji', summary: 'mood: abc🫠def, ghi😀jkl', stdout: 'pelican🥲heron\n' });
  index = RunIndex.open(runsDir, sqlite.open);
  index.sync();
});

afterEach(() => {
  index.close();
  rmSync(root, { recursive: true, force: true });
});

const brief = (hits: SearchHit[]) => hits.map((h) => `${h.kind} ${h.run_id} ${h.task_id} ${h.source}`);

describe('search', () => {
  it('finds text in task summaries, newest first, with the match marked', () => {
    const hits = searchIndex(index.db, 'tokenizer');
    expect(brief(hits)).toEqual(['event RUN-20261121-001 t-later task_queued', 'event RUN-20261120-001 t-sum task_queued']);
    expect(hits[1]!.snippet).toContain(`${HIT_START}tokenizer${HIT_END}`);
    expect(hits[1]!.ts).toMatch(/^2026-11-20T/);
  });

  it('finds text in tool event data', () => {
    expect(brief(searchIndex(index.db, 'flamingo'))).toEqual(['event RUN-20261120-001 t-tool tool_event']);
  });

  it('finds text in task output, with escape sequences gone', () => {
    const hits = searchIndex(index.db, 'quokka_init');
    expect(brief(hits)).toEqual(['output RUN-20261120-001 t-out stdout']);
    expect(hits[0]!.snippet).not.toContain('\x1b');
  });

  it('needs every word, narrows to a run, and takes FTS syntax as plain text', () => {
    expect(brief(searchIndex(index.db, 'tokenizer speed'))).toEqual(['event RUN-20261120-001 t-sum task_queued']);
    expect(brief(searchIndex(index.db, 'tokenizer', { run: 'RUN-20261121-001' }))).toEqual(['event RUN-20261121-001 t-later task_queued']);
    expect(searchIndex(index.db, 'NEAR( "unbalanced * OR')).toEqual([]);
    expect(searchIndex(index.db, 'tokenizer', { limit: 1 })).toHaveLength(1);
  });

  it('finds the words on either side of an emoji, the newest ones (Unicode 13 and later) too', () => {
    for (const word of ['abc', 'def', 'ghi', 'jkl', 'abc🫠def']) expect(brief(searchIndex(index.db, word)), word).toEqual(['event RUN-20261121-001 t-emoji task_queued']);
    for (const word of ['pelican', 'heron']) expect(brief(searchIndex(index.db, word)), word).toEqual(['output RUN-20261121-001 t-emoji stdout']);
  });

  it('finds the same things from the JSONL when there is no index', () => {
    for (const text of ['tokenizer', 'flamingo', 'quokka_init', 'tokenizer speed', 'abc', 'heron'])
      expect(brief(searchJsonl(join(root, 'runs'), text))).toEqual(brief(searchIndex(index.db, text)));
  });
});
