import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toolsJsonSchema } from '../../src/config/write-json-schema.js';
import { REPO } from '../helpers/workspace.js';

describe('tools.yaml JSON Schema', () => {
  it('the shipped schemas/tools.schema.json is the one derived from the zod schema', () => {
    const shipped = readFileSync(`${REPO}/schemas/tools.schema.json`, 'utf8');
    expect(shipped).toBe(toolsJsonSchema());
    const schema = JSON.parse(shipped);
    expect(schema.properties.tools.additionalProperties.properties.mode.enum).toEqual(['batch', 'interactive']);
    expect(schema.additionalProperties).toBe(false);
  });
});
