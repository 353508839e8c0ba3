import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ToolsFile } from '../core/tools-schema.js';

/** JSON Schema of tools.yaml for editors, derived from the one zod schema. */
export function toolsJsonSchema(): string {
  const schema = z.toJSONSchema(ToolsFile, { io: 'input', target: 'draft-7' });
  return `${JSON.stringify({ title: 'lacp tools.yaml', ...schema }, null, 2)}\n`;
}

const isEntry = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isEntry) {
  const dir = fileURLToPath(new URL('../../schemas/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}tools.schema.json`, toolsJsonSchema());
}
