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
});
