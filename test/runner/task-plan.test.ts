import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES, TestWorkspace } from '../helpers/workspace.js';
import { disposeChecked, readRecord, validateWorkspaceFiles } from '../helpers/runner-checks.js';
import { REDACTED } from '../../src/telemetry/secrets.js';

const TOOLS = `
version: 1
vars:
  model: "default model"
  extra: ""
secrets: [PLAIN_LOOKING]
tools:
  argv:
    cmd: ["node", "${FIXTURES}/print-argv.js", "--model", "{model}", "--", "{prompt}", "pre-{extra}-post", "{{literal}}"]
    env:
      REPORT_ENV: "LACP_TASK_ID,LACP_RUN_ID,FROM_DAEMON,MIXED,OPENAI_API_KEY,PLAIN_LOOKING,LACP_ARTIFACTS_DIR"
      FROM_DAEMON: "\${LACP_TEST_DAEMON_VAR}"
      MIXED: "\${LACP_TEST_DAEMON_VAR}/{model}/{task_id}"
      OPENAI_API_KEY: "sk-test-secret"
      PLAIN_LOOKING: "listed-secret-value"
      GH: "\${LACP_TEST_SERVICE_TOKEN}"
  in_sub:
    cmd: ["node", "${FIXTURES}/print-argv.js"]
    cwd: sub/dir
  stdin:
    cmd: ["node", "${FIXTURES}/print-argv.js"]
    stdin: "model={model}\\nprompt={prompt}\\n"
`;

const ws = new TestWorkspace(TOOLS);
mkdirSync(join(ws.root, 'sub', 'dir'), { recursive: true });
afterAll(async () => {
  validateWorkspaceFiles(ws.root);
  await disposeChecked(ws);
});

interface Report {
  argv: string[];
  cwd: string;
  env: Record<string, string | null>;
  stdin: string;
}

async function report(args: string[], env?: Record<string, string>): Promise<{ report: Report; runId: string; taskId: string }> {
  const result = await ws.lacp(['run', ...args, '--wait'], { env });
  expect(result.exitCode, String(result.stderr)).toBe(0);
  const [runId, taskId] = String(result.stdout).split(' ') as [string, string];
  const out = readFileSync(join(ws.runs.taskDir(runId, taskId), 'stdout.log'), 'utf8');
  return { report: JSON.parse(out) as Report, runId, taskId };
}

describe('what reaches the process: argv, env, cwd, stdin', () => {
  // The daemon is started by the first command with this variable in its environment; ${NAME} reads the daemon's.
  const daemonEnv = { LACP_TEST_DAEMON_VAR: 'from-daemon', LACP_TEST_SERVICE_TOKEN: 'tok-from-daemon-env' };

  it('placeholders with quotes, spaces, $, newlines, globs and braces reach argv exactly: no shell, no splitting', async () => {
    const prompt = `it's "quoted" and $HOME \${HOME} $(whoami) \`id\` * ; | && {model} {{x}}\nsecond line\ttab  two  spaces `;
    const model = ' spaced  model $1 ';
    const { report: r } = await report(['argv', '--prompt', prompt, '--set', `model=${model}`, '--set', 'extra=a b'], daemonEnv);
    expect(r.argv).toEqual(['--model', model, '--', prompt, 'pre-a b-post', '{literal}']);
  });

  it('an empty prompt is one empty argument, not none', async () => {
    const { report: r } = await report(['argv', '--prompt', '']);
    expect(r.argv).toEqual(['--model', 'default model', '--', '', 'pre--post', '{literal}']);
  });

  it('env: ${NAME} from the daemon, placeholders filled, LACP_TASK_ID and friends set', async () => {
    const { report: r, runId, taskId } = await report(['argv', '--prompt', 'p']);
    expect(r.env).toEqual({
      LACP_TASK_ID: taskId,
      LACP_RUN_ID: runId,
      FROM_DAEMON: 'from-daemon',
      MIXED: `from-daemon/default model/${taskId}`,
      OPENAI_API_KEY: 'sk-test-secret',
      PLAIN_LOOKING: 'listed-secret-value',
      LACP_ARTIFACTS_DIR: join(ws.runs.taskDir(runId, taskId), 'artifacts'),
    });
  });

  it('task.json records argv, cwd, prompt, vars and env, with secret values redacted', async () => {
    const { runId, taskId } = await report(['argv', '--prompt', 'the prompt', '--set', 'extra=e']);
    const record = readRecord(ws, runId, taskId);
    expect(record.argv[5]).toBe('the prompt');
    expect(record.prompt).toBe('the prompt');
    expect(record.vars).toEqual({ model: 'default model', extra: 'e' });
    expect(record.cwd).toBe(ws.root);
    expect(record.env.OPENAI_API_KEY).toBe(REDACTED); // the name looks secret
    expect(record.env.PLAIN_LOOKING).toBe(REDACTED); // listed under secrets:
    expect(record.env.GH).toBe(REDACTED); // a secret of the daemon's environment under an innocent name
    expect(record.env.LACP_TASK_ID).toBe(taskId);
    expect(record.env.FROM_DAEMON).toBe('from-daemon');
    const raw = readFileSync(join(ws.runs.taskDir(runId, taskId), 'task.json'), 'utf8');
    expect(raw).not.toContain('sk-test-secret');
    expect(raw).not.toContain('listed-secret-value');
    expect(raw).not.toContain('tok-from-daemon-env');
    expect(record.tool_config.cmd[0]).toBe('node');
    expect(record.tool_config_hash).toMatch(/^[0-9a-f]{16}$/);
    expect(record.lacp_version).toMatch(/^\d+\.\d+\.\d+/);
    expect(record.timestamps.started).not.toBeNull();
    expect(record.timestamps.ended).not.toBeNull();
  });

  it('cwd: relative to the workspace', async () => {
    const { report: r } = await report(['in_sub']);
    expect(r.cwd).toBe(join(ws.root, 'sub', 'dir'));
    expect(r.stdin).toBe(''); // no stdin template: stdin is empty
  });

  it('stdin: the rendered template is written, then closed', async () => {
    const { report: r } = await report(['stdin', '--prompt', 'line one\n$weird "q"']);
    expect(r.stdin).toBe('model=default model\nprompt=line one\n$weird "q"\n');
  });
});
