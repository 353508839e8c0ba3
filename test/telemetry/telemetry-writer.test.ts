import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { TelemetryEvent, type EventDraft } from '../../src/core/events.js';
import { readTelemetry } from '../../src/telemetry/telemetry-reader.js';
import { FLUSH_INTERVAL_MS, TelemetryWriter } from '../../src/telemetry/telemetry-writer.js';
import { REDACTED, redactEnv } from '../../src/telemetry/secrets.js';

const dir = mkdtempSync(join(tmpdir(), 'lacp-telemetry-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const freshFile = () => join(dir, `t${n++}`, 'telemetry.jsonl');

function draft(i: number): EventDraft {
  return {
    event: 'task_started',
    run_id: 'RUN-20260101-001',
    task_id: `t-${i}`,
    tool: 'sh',
    mode: 'batch',
    phase: null,
    agent_role: null,
    log_paths: { stdout: `tasks/t-${i}/stdout.log`, stderr: `tasks/t-${i}/stderr.log` },
    status: 'running',
    pid: 1000 + i,
    summary: `started ${i}`,
  };
}

/** Every line of the file validated strictly: no torn line, seq strictly increasing. */
function strictLines(file: string): TelemetryEvent[] {
  const text = readFileSync(file, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  const events = text
    .slice(0, -1)
    .split('\n')
    .map((line) => TelemetryEvent.parse(JSON.parse(line)));
  for (let i = 1; i < events.length; i++) expect(events[i]!.seq).toBeGreaterThan(events[i - 1]!.seq);
  return events;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('TelemetryWriter', () => {
  it('stamps ts and a strictly increasing seq, from 0, continued across reopen', () => {
    const file = freshFile();
    mkdirP(file);
    const w = TelemetryWriter.open(file);
    for (let i = 0; i < 5; i++) w.append(draft(i));
    w.close();
    const again = TelemetryWriter.open(file);
    again.append(draft(5), { durable: true });
    again.close();
    const events = strictLines(file);
    expect(events.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4, 5]);
    for (const e of events) expect(e.ts).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('batches: a plain append reaches the file within the flush interval, a durable one at once', () => {
    vi.useFakeTimers();
    const file = freshFile();
    mkdirP(file);
    const w = TelemetryWriter.open(file);
    w.append(draft(0));
    expect(readFileSync(file, 'utf8')).toBe('');
    vi.advanceTimersByTime(FLUSH_INTERVAL_MS);
    expect(strictLines(file)).toHaveLength(1);
    expect(FLUSH_INTERVAL_MS).toBeLessThanOrEqual(100); // the contract's bound
    w.append(draft(1));
    w.append(draft(2), { durable: true });
    expect(strictLines(file)).toHaveLength(3);
    w.close();
  });

  it('a torn last line is moved aside on open: no record is glued to it', () => {
    const file = freshFile();
    mkdirP(file);
    const w = TelemetryWriter.open(file);
    w.append(draft(0));
    w.append(draft(1));
    w.close();
    const whole = readFileSync(file, 'utf8');
    const torn = '{"ts":"2026-01-01T00:00:00.000Z","seq":2,"run_id":"RUN-2026';
    writeFileSync(file, whole + torn);
    // Readers skip the torn line meanwhile.
    const read = readTelemetry(file);
    expect(read.events.map((e) => e.seq)).toEqual([0, 1]);
    expect(read.skipped).toBe(1);
    expect(read.offset).toBe(Buffer.byteLength(whole));

    const again = TelemetryWriter.open(file);
    again.append(draft(2), { durable: true });
    again.close();
    const events = strictLines(file);
    expect(events.map((e) => e.seq)).toEqual([0, 1, 2]);
    const aside = readdirSync(join(file, '..')).filter((f) => f.startsWith('telemetry.jsonl.torn-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(file, '..', aside[0]!), 'utf8')).toBe(torn);
  });

  it('a file that is all torn (crash in the first write) starts over at seq 0', () => {
    const file = freshFile();
    mkdirP(file);
    writeFileSync(file, '{"ts":"20');
    const w = TelemetryWriter.open(file);
    w.append(draft(0), { durable: true });
    w.close();
    expect(strictLines(file).map((e) => e.seq)).toEqual([0]);
  });

  it('readers skip unknown fields and foreign lines, and resume from an offset', () => {
    const file = freshFile();
    mkdirP(file);
    const w = TelemetryWriter.open(file);
    w.append(draft(0), { durable: true });
    w.close();
    const first = readTelemetry(file);
    const line = JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), seq: 1, extra_field: 'ignored' });
    writeFileSync(file, `${readFileSync(file, 'utf8')}not json\n${line}\n`);
    const rest = readTelemetry(file, first.offset);
    expect(rest.events.map((e) => e.seq)).toEqual([1]);
    expect(rest.skipped).toBe(1);
  });

  it('closed writers refuse to append', () => {
    const file = freshFile();
    mkdirP(file);
    const w = TelemetryWriter.open(file);
    w.close();
    expect(() => w.append(draft(0))).toThrow(/closed/);
  });
});

describe('secret redaction', () => {
  it('redacts names that look secret and names listed under secrets:, keeps the rest', () => {
    const env = {
      OPENAI_API_KEY: 'sk-1',
      APIKEY: 'a',
      GITHUB_TOKEN: 'g',
      DB_PASSWORD: 'p',
      MY_PRIVATE_KEY: 'k',
      AWS_ACCESS_KEY_ID: 'id',
      CLIENT_SECRET: 's',
      LISTED: 'l',
      MODEL: 'sonnet',
      LACP_TASK_ID: 't-1',
    };
    const out = redactEnv(env, ['LISTED']);
    for (const k of ['OPENAI_API_KEY', 'APIKEY', 'GITHUB_TOKEN', 'DB_PASSWORD', 'MY_PRIVATE_KEY', 'AWS_ACCESS_KEY_ID', 'CLIENT_SECRET', 'LISTED'])
      expect(out[k], k).toBe(REDACTED);
    expect(out.MODEL).toBe('sonnet');
    expect(out.LACP_TASK_ID).toBe('t-1');
  });
});

function mkdirP(file: string): void {
  mkdirSync(dirname(file), { recursive: true });
}
