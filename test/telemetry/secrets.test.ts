import { describe, expect, it } from 'vitest';
import { REDACTED, redactEnv } from '../../src/telemetry/secrets.js';

describe('redactEnv', () => {
  it('hides values of secret-looking names and of names listed under secrets:', () => {
    const out = redactEnv({ OPENAI_API_KEY: 'sk-1', GH_TOKEN: 'ghp', DB_PASSWORD: 'pw', PLAIN: 'visible', MY_THING: 'x' }, ['MY_THING']);
    expect(out).toEqual({ OPENAI_API_KEY: REDACTED, GH_TOKEN: REDACTED, DB_PASSWORD: REDACTED, PLAIN: 'visible', MY_THING: REDACTED });
  });

  it('hides secret keys inside a JSON document value, keeping the rest', () => {
    const config = JSON.stringify({ provider: { x: { options: { apiKey: 'sk-live', baseURL: 'http://127.0.0.1:1' } } }, mcp: { lacp: { type: 'local' } } });
    const out = JSON.parse(redactEnv({ OPENCODE_CONFIG_CONTENT: config }, []).OPENCODE_CONFIG_CONTENT!);
    expect(out.provider.x.options).toEqual({ apiKey: REDACTED, baseURL: 'http://127.0.0.1:1' });
    expect(out.mcp.lacp.type).toBe('local');
    expect(redactEnv({ NOT_JSON: '{oops' }, []).NOT_JSON).toBe('{oops');
  });

  it("hides a value that carries a secret of the daemon's environment under an innocent name", () => {
    const daemonEnv = { GITHUB_TOKEN: 'ghp_live_123', HOME: '/home/u', SHORT_TOKEN: 'x' };
    const out = redactEnv({ GH: 'ghp_live_123', HEADER: 'Bearer ghp_live_123', WHERE: '/home/u', ONE: 'x' }, [], daemonEnv);
    expect(out).toEqual({ GH: REDACTED, HEADER: REDACTED, WHERE: '/home/u', ONE: 'x' });
  });
});
