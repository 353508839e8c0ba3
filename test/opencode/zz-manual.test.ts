import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'vitest';
import { startModelServer } from '../fixtures/model-server.js';
import { openCodeWorkspace } from './opencode-workspace.js';

test('manual', async () => {
  const server = await startModelServer([
      { kind: 'tool_calls', calls: [{ name: 'bash', arguments: { command: 'pwd; echo tool-ran > proof.txt && echo tool-ran', description: 'Write proof' } }] },
      { kind: 'text', text: 'The answer is 42.' },
    ]);
  const ws = openCodeWorkspace(server);
  const t0 = Date.now();
  const { taskId, result } = await ws.run(['oc', '--prompt', 'x', '--wait']);
  console.log('ms', Date.now() - t0, result.stdout, result.stderr);
  for (const e of ws.taskEvents(taskId)) console.log(e.ts, e.event, (e as any).tool_event_type ?? '', e.summary);
  const dir = ws.runs.taskDir(ws.runs.newest()!, taskId);
  console.log(readFileSync(join(dir, 'stdout.log'), 'utf8').slice(0, 3000));
  console.log(readFileSync(join(dir, 'stderr.log'), 'utf8').slice(0, 3000));
  console.log(readFileSync(join(dir, 'task.json'), 'utf8').slice(0, 3000));
  console.log(JSON.stringify(server.requests.map(r => [r.title, r.messages.length])));
  await ws.dispose(); await server.close();
}, 120000);
