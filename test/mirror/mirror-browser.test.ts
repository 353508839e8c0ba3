import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { daemonPid, disposeChecked, waitFor } from '../helpers/runner-checks.js';
import { TestWorkspace } from '../helpers/workspace.js';
import { launchChromium } from './chromium.js';
import { startMirror, type Mirror } from './mirror-helpers.js';

const TOOLS = `version: 1
defaults:
  kill_grace_sec: 0.3
tools:
  bash:
    mode: interactive
    cmd: ["bash", "--norc", "--noprofile", "-i"]
    env: { PS1: "$ " }
  gated:
    mode: batch
    cmd: ["sh", "-c", "echo gated-ran"]
    checkpoint: before
`;

let ws: TestWorkspace;
let mirror: Mirror;
let browser: Browser;

beforeAll(async () => {
  ws = new TestWorkspace(TOOLS);
  mirror = await startMirror(ws);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  if (ws) await disposeChecked(ws);
});

interface Watched {
  page: Page;
  received: string[];
  sent: string[];
  errors: string[];
}

/** Opens the mirror page, recording every WebSocket frame each way and every page error. */
async function openPage(viewport = { width: 1920, height: 1080 }): Promise<Watched> {
  const page = await browser.newPage({ viewport });
  const watched: Watched = { page, received: [], sent: [], errors: [] };
  page.on('websocket', (socket) => {
    socket.on('framereceived', (f) => watched.received.push(String(f.payload)));
    socket.on('framesent', (f) => watched.sent.push(String(f.payload)));
  });
  page.on('pageerror', (e) => watched.errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') watched.errors.push(m.text());
  });
  await page.goto(mirror.url);
  await waitFor('the page to be live', async () => (await page.locator('#conn').textContent()) === 'live');
  return watched;
}

/** The pane's rows as drawn. xterm.js stops drawing a terminal scrolled out of view, so it is brought into view first. */
async function paneText(page: Page, taskId: string): Promise<string> {
  const rows = page.locator(`.pane[data-task-id="${taskId}"] .xterm-rows`);
  if ((await rows.count()) === 0) return '';
  await rows.scrollIntoViewIfNeeded().catch(() => undefined);
  return rows.innerText().catch(() => '');
}

async function screen(taskId: string): Promise<string> {
  const r = await ws.lacp(['screen', taskId]);
  expect(r.exitCode, String(r.stderr)).toBe(0);
  return String(r.stdout);
}

describe('mirror page in Chromium', () => {
  it("shows a task's live screen as it prints, with clipboard and title sequences stripped", async () => {
    const { taskId } = await ws.run(['bash']);
    const w = await openPage();
    await waitFor('the pane with the prompt', async () => (await paneText(w.page, taskId)).includes('$'));
    await ws.lacp(['send', taskId, 'printf "\\033]0;EVIL-TITLE\\007\\033]52;c;aGVsbG8=\\007" ; echo "hello-mirror-$((6*7))"\\r']);
    const text = await waitFor('the output in the page', async () => {
      const t = await paneText(w.page, taskId);
      return t.includes('hello-mirror-42') && t;
    });
    expect(text).toContain('hello-mirror-42');
    expect(await w.page.title()).toBe('lacp mirror');
    // What the task printed arrived, but not its OSC sequences (the command line echoed them as text only).
    const frames = w.received.join('\n');
    expect(frames).toContain('hello-mirror-42');
    expect(frames).not.toContain('\\u001b]52');
    expect(frames).not.toContain('\\u001b]0;');
    expect(w.errors).toEqual([]);
    await w.page.close();
  });

  // 😀 (Unicode 6) and 🫠 (Unicode 14: wide by lacp's table, not by xterm's Unicode 11 one).
  for (const [emoji, bytes] of [['😀', '\\\\360\\\\237\\\\230\\\\200'], ['🫠', '\\\\360\\\\237\\\\253\\\\240']] as Array<[string, string]>) {
    it(`measures ${emoji} as two columns, as the daemon does: 40 of them fill an 80-column row`, async () => {
      const { taskId } = await ws.run(['bash']);
      const w = await openPage();
      await waitFor('the pane with the prompt', async () => (await paneText(w.page, taskId)).includes('$'));
      const sent = await ws.lacp(['send', taskId, `clear; for i in $(seq 40); do printf "${bytes}"; done; echo WRAP""PED\\r`]); // the echoed command line never says WRAPPED
      expect(sent.exitCode, String(sent.stderr)).toBe(0);
      const rows = await waitFor('the emoji and the text after them in the page', async () => {
        const text = await paneText(w.page, taskId);
        return text.includes('WRAPPED') && text.split('\n');
      });
      const emojiRow = rows.find((r) => r.startsWith(emoji + emoji))!;
      expect([...emojiRow.trimEnd()]).toHaveLength(40); // the row is full...
      expect(rows[rows.indexOf(emojiRow) + 1]).toMatch(/^WRAPPED/); // ...so the text goes on on the next one
      expect(await screen(taskId)).toMatch(new RegExp(`${emoji}\\n(WRAPPED|\\s)`)); // where the daemon's screen has it
      await w.page.close();
      await ws.lacp(['cancel', taskId]);
    });
  }

  it('shows the cursor where the task left it, though nobody focused the page', async () => {
    const { taskId } = await ws.run(['bash']);
    const w = await openPage();
    await waitFor('the pane with the prompt', async () => (await paneText(w.page, taskId)).includes('$'));
    // Two lines, then the cursor goes back up into the first, after "cur".
    // (\\\\ is one backslash for lacp send, so printf gets \n and \033 to interpret.)
    await ws.lacp(['send', taskId, 'clear; printf "cursor-row\\\\nnext-row\\\\033[1A\\\\r\\\\033[3C"; sleep 60\\r']);
    const rows = w.page.locator(`.pane[data-task-id="${taskId}"] .xterm-rows > div`);
    await waitFor('the two rows, the screen cleared', async () => /^cursor-row\nnext-row/.test(await paneText(w.page, taskId)));
    const cursor = await waitFor('a drawn cursor', async () =>
      rows.evaluateAll((divs) => {
        const row = divs.findIndex((d) => d.querySelector('.xterm-cursor'));
        if (row < 0) return false;
        const before = Array.from(divs[row]!.querySelectorAll('span')).filter((s) => s.compareDocumentPosition(divs[row]!.querySelector('.xterm-cursor')!) & Node.DOCUMENT_POSITION_FOLLOWING);
        return { rowText: divs[row]!.textContent!.trimEnd(), before: before.map((s) => s.textContent).join('') };
      }),
    );
    expect(cursor.rowText).toBe('cursor-row');
    expect(cursor.before).toBe('cur');
    await w.page.close();
    await ws.lacp(['cancel', taskId]);
  });

  it('fits a narrow window and never clips a task line: every part stays reachable', async () => {
    const gated = await ws.run(['gated', '--title', 'a title long enough to wrap in the narrow run column']);
    for (const viewport of [{ width: 1280, height: 800 }, { width: 420, height: 900 }]) {
      const w = await openPage(viewport);
      const task = w.page.locator(`.task[data-task-id="${gated.taskId}"]`);
      await waitFor('the gated task', async () => (await task.count()) === 1);
      const box = (await task.boundingBox())!;
      for (const part of ['.status', '.task-tool', '.task-id', '.task-time']) {
        const b = (await task.locator(part).boundingBox())!;
        expect(b.x + b.width, `${part} at ${viewport.width}px`).toBeLessThanOrEqual(box.x + box.width);
      }
      expect(await task.locator('.task-id').evaluate((e) => e.getClientRects().length), `one-line task id at ${viewport.width}px`).toBe(1);
      // No part of the page hides to the right of the window: terminals and events stack under the runs.
      const overflow = await w.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `horizontal overflow at ${viewport.width}px`).toBeLessThanOrEqual(0);
      for (const section of ['#runs', '#panes-section', '#log-section']) {
        const b = (await w.page.locator(section).boundingBox())!;
        expect(b.x + b.width, `${section} at ${viewport.width}px`).toBeLessThanOrEqual(viewport.width + 1);
      }
      await w.page.close();
    }
    await ws.lacp(['reject', gated.taskId]);
  });

  it('a long task title does not widen its pane past the terminal (two 80-column panes fit side by side)', async () => {
    const { taskId } = await ws.run(['bash', '--title', 'a title far longer than any terminal row is wide, '.repeat(4)]);
    const w = await openPage();
    await waitFor('the pane with the prompt', async () => (await paneText(w.page, taskId)).includes('$'));
    const pane = w.page.locator(`.pane[data-task-id="${taskId}"]`);
    const paneBox = (await pane.boundingBox())!;
    const termBox = (await pane.locator('.xterm-screen').boundingBox())!;
    expect(paneBox.width).toBeLessThan(termBox.width + 32); // the terminal and its padding, not the title
    const title = pane.locator('.pane-title .task-tool');
    expect(await title.getAttribute('title')).toContain('a title far longer');
    await w.page.close();
    await ws.lacp(['cancel', taskId]);
  });

  it('typing into the page changes nothing in the task, and the page sends nothing but acks', async () => {
    const { taskId } = await ws.run(['bash']);
    const w = await openPage();
    await waitFor('the pane with the prompt', async () => (await paneText(w.page, taskId)).includes('$'));
    await w.page.locator(`.pane[data-task-id="${taskId}"] .xterm`).click();
    await w.page.keyboard.type('echo TYPED-IN-PAGE');
    await w.page.keyboard.press('Enter');
    await w.page.keyboard.press('Control+C');
    await w.page.locator('body').click();
    await w.page.keyboard.type('echo TYPED-IN-BODY\n');
    // Everything the page typed was dispatched before this marker is sent.
    await ws.lacp(['send', taskId, 'echo "mark-$((6*7))"\\r']);
    await waitFor('the marker in the page', async () => (await paneText(w.page, taskId)).includes('mark-42'));
    const text = await screen(taskId);
    expect(text).toContain('mark-42');
    expect(text).not.toContain('TYPED');
    for (const frame of w.sent) expect(Object.keys(JSON.parse(frame) as object)).toEqual(['t', 'chars']);
    expect(w.sent.every((f) => (JSON.parse(f) as { t: string }).t === 'ack')).toBe(true);
    await w.page.close();
  });

  it('updates the run tree and the event log live, with links to logs and checkpoint states', async () => {
    const w = await openPage();
    const { runId, taskId } = await ws.run(['sh', '--prompt', 'echo tree-live-output']);
    const task = w.page.locator(`.task[data-task-id="${taskId}"]`);
    await waitFor('the task to show succeeded', async () => (await task.locator('.status').textContent().catch(() => '')) === 'succeeded');
    await waitFor('the completion in the log', async () => (await w.page.locator('#log-body').innerText()).includes(`${taskId}\ttask_completed`));
    const href = await task.locator('a', { hasText: 'stdout' }).getAttribute('href');
    expect(href).toBe(`/files/${runId}/tasks/${taskId}/stdout.log?token=${mirror.token}`);
    const body = await w.page.evaluate(async (h) => (await fetch(h!)).text(), href);
    expect(body).toBe('tree-live-output\n');

    const gated = await ws.run(['gated']);
    const gatedTask = w.page.locator(`.task[data-task-id="${gated.taskId}"]`);
    await waitFor('the checkpoint to show waiting', async () => (await gatedTask.locator('.checkpoint').textContent().catch(() => '')) === 'checkpoint before: waiting for approval');
    expect(await gatedTask.locator('.status').textContent()).toBe('awaiting checkpoint');
    // A tab in the background says so in its title.
    expect(await w.page.title()).toBe('◆ 1 waiting · lacp mirror');
    expect((await ws.lacp(['approve', gated.taskId])).exitCode).toBe(0);
    await waitFor('the checkpoint to show approved', async () => (await gatedTask.locator('.checkpoint').textContent().catch(() => '')) === 'checkpoint before: approved');
    await waitFor('the gated task to succeed', async () => (await gatedTask.locator('.status').textContent()) === 'succeeded');
    expect(await w.page.title()).toBe('lacp mirror');
    expect(w.errors).toEqual([]);
    await w.page.close();
  });

  it('keeps the task boxes that did not change when the tree updates, so a link being clicked is not swapped out', async () => {
    const w = await openPage();
    const gated = await ws.run(['gated']);
    const running = await ws.run(['bash']);
    const links = [gated, running].map((t) => w.page.locator(`.task[data-task-id="${t.taskId}"] a`, { hasText: 'task.json' }));
    await waitFor('both tasks in the tree', async () => (await links[0]!.count()) === 1 && (await links[1]!.count()) === 1);
    // Mark the two link nodes, as a mouse button held down on them would.
    for (const [i, l] of links.entries()) await l.evaluate((a, mark) => ((a as HTMLElement).dataset.pressed = mark), String(i));
    const { taskId } = await ws.run(['sh', '--prompt', 'echo another']);
    await waitFor('the new task in the tree', async () => (await w.page.locator(`.task[data-task-id="${taskId}"] .status`).textContent().catch(() => '')) === 'succeeded');
    for (const [i, l] of links.entries()) expect(await l.getAttribute('data-pressed'), ['the waiting task', 'the running task'][i]).toBe(String(i));
    // The running task's time still ticks in its kept box.
    const time = w.page.locator(`.task[data-task-id="${running.taskId}"] .task-time`);
    const before = await time.textContent();
    await waitFor('the time to tick', async () => (await time.textContent()) !== before);
    await ws.lacp(['cancel', running.taskId]);
    await ws.lacp(['reject', gated.taskId]);
    await waitFor('the cancel in the kept tree', async () => (await w.page.locator(`.task[data-task-id="${running.taskId}"] .status`).textContent()) === 'cancelled');
    expect(w.errors).toEqual([]);
    await w.page.close();
  });

  it('while cut off from a daemon that died, greys out what it shows and stops the running times', async () => {
    const { taskId } = await ws.run(['bash']);
    const w = await openPage();
    const time = w.page.locator(`.task[data-task-id="${taskId}"] .task-time`);
    await waitFor('the running time', async () => (await time.textContent()) !== '');
    const pid = daemonPid(ws)!;
    process.kill(pid, 'SIGKILL'); // no goodbye: the page's tree says running until it reconnects
    await waitFor('the page to notice', async () => (await w.page.locator('#conn').textContent())?.startsWith('disconnected'));
    expect(Number(await w.page.locator('main').evaluate((m) => getComputedStyle(m).opacity))).toBeLessThan(1);
    expect(await time.getAttribute('class')).toContain('stale');
    expect((await ws.lacp(['daemon', 'start'])).exitCode).toBe(0);
    await waitFor('the page to be live again', async () => (await w.page.locator('#conn').textContent()) === 'live', 30_000);
    expect(Number(await w.page.locator('main').evaluate((m) => getComputedStyle(m).opacity))).toBe(1);
    await waitFor('the task as the new daemon found it', async () => (await w.page.locator(`.task[data-task-id="${taskId}"] .status`).textContent()) === 'lost');
    // Chromium logs each refused reconnect attempt; nothing else may go wrong.
    expect(w.errors.filter((e) => !e.includes('ERR_CONNECTION_REFUSED'))).toEqual([]);
    await w.page.close();
  });

  it('recovers after the daemon restarts: reconnects on its own and catches up from a snapshot', async () => {
    const w = await openPage();
    expect((await ws.lacp(['daemon', 'stop'])).exitCode).toBe(0);
    await waitFor('the page to notice', async () => (await w.page.locator('#conn').textContent())?.startsWith('disconnected'));
    // Any command starts the daemon again; it serves the mirror on the same port with the same token.
    const { taskId } = await ws.run(['bash']);
    await ws.lacp(['send', taskId, 'echo "after-restart-$((6*7))"\\r']);
    await waitFor('the page to be live again', async () => (await w.page.locator('#conn').textContent()) === 'live', 30_000);
    await waitFor('the new task in the tree', async () => (await w.page.locator(`.task[data-task-id="${taskId}"]`).count()) === 1);
    const text = await waitFor('the new pane with its output', async () => {
      const t = await paneText(w.page, taskId);
      return t.includes('after-restart-42') && t;
    });
    expect(text).toContain('after-restart-42');
    // The tasks of the first daemon are in the tree but have no terminal any more: no pane, and no error.
    expect(await w.page.locator('.pane').count()).toBe(1);
    expect(readFileSync(join(ws.root, '.lacp', 'daemon.log'), 'utf8')).not.toContain('uncaught');
    await w.page.close();
  });

  it('says the mirror was stopped after lacp mirror --stop, instead of retrying for ever', async () => {
    const w = await openPage();
    expect((await ws.lacp(['mirror', '--stop'])).exitCode).toBe(0);
    const said = await waitFor('the page to notice', async () => {
      const text = await w.page.locator('#conn').textContent();
      return text?.startsWith('disconnected') || text?.startsWith('stopped') ? text : false;
    });
    expect(said).toBe('stopped: lacp mirror --stop closed this mirror');
    expect(w.errors).toEqual([]);
    await w.page.close();
    mirror = await startMirror(ws); // for whatever runs after this
  });
});
