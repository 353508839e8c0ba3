import { describe, expect, it } from 'vitest';
import { useTuiSessions } from './tui-session.js';

const ECHO_TOOLS = `version: 1
tools:
  say:
    mode: batch
    cmd: ["echo", "{prompt}"]
`;

const open = useTuiSessions();

const promptLine = (screen: string): string => screen.split('\n').find((l) => l.includes('prompt:')) ?? '';

describe('lacp-tui new-task form under tmux', { timeout: 120_000 }, () => {
  it('a 300-character prompt scrolls to keep the cursor in view, and Left/Home edit it in place', async () => {
    const { ws, tui } = open(ECHO_TOOLS, { cols: 80, rows: 24 });
    tui.start();
    await tui.waitFor(/no runs yet/);
    tui.keys('n');
    await tui.waitFor(/new task: pick a tool/);
    tui.keys('j', 'j', 'Enter'); // shell, sh, then say
    await tui.waitFor(/new task: say/);
    const words = Array.from({ length: 38 }, (_, i) => `w${String(i).padStart(3, '0')}`).join(' ') + ' typo';
    tui.type(words);
    // The end of the text and the cursor are on screen; the cut start is marked.
    const end = promptLine(await tui.waitFor((s) => promptLine(s).includes('w037 typo█'), 'the end of the prompt and the cursor'));
    expect(end).toMatch(/prompt: {4}…/);
    // Fix the typo in the middle of the last word, then add a word at the very start.
    tui.keys('Left', 'Left', 'BSpace');
    tui.type('h');
    tui.keys('Home');
    tui.type('say: ');
    const home = promptLine(await tui.waitFor((s) => /prompt: {4}say: w000 w001/.test(promptLine(s)), 'the start of the prompt after Home'));
    expect(home).toContain('…│');
    tui.keys('Enter');
    await tui.waitFor(/variables:/);
    tui.keys('Enter');
    const started = await tui.waitFor(/started (t-\w+)/, 'the started message');
    const taskId = /started (t-\w+)/.exec(started)![1]!;
    await tui.waitFor(() => ws.taskEvents(taskId).some((e) => e.event === 'task_completed'), 'the task to end');
    const out = await ws.lacp(['logs', taskId]);
    expect(out.stdout.trim()).toBe(`say: ${words.replace(/typo$/, 'thpo')}`);
    tui.keys('q');
    await tui.waitExit();
  });
});
