// The mirror page: draws what the daemon sends over one WebSocket and sends back
// nothing but acknowledgements. Task text only ever goes into textContent or a
// read-only xterm, never into HTML.
'use strict';
(() => {
  const TOKEN = new URLSearchParams(location.search).get('token') || '';
  /** Reconnect waits grow from this... */
  const RECONNECT_FIRST_MS = 500;
  /** ...to at most this, so a restarted daemon is found within seconds without hammering it. */
  const RECONNECT_MAX_MS = 10_000;
  /** Drawn characters are acknowledged in batches this large, or on this clock, whichever comes first. */
  const ACK_BATCH_CHARS = 32_768;
  const ACK_INTERVAL_MS = 100;
  /** The close code of `lacp mirror --stop` (src/mirror/wire.ts): the token is gone, retrying is pointless. */
  const CLOSE_MIRROR_STOPPED = 4001;
  /** Event log rows kept on the page. */
  const LOG_ROWS = 1000;
  /**
   * xterm.js draws no cursor until its terminal is first focused or typed into, which a
   * read-only pane never is; switching to the alternate screen and back also marks the
   * cursor as shown. On a new, empty terminal the switch changes nothing else, and the
   * snapshot written after it restores whatever screen and cursor the task has.
   */
  const SHOW_CURSOR = '\x1b[?1047h\x1b[?1047l';
  /** Two 80-column panes side by side on a 1920-pixel screen. */
  const TERM_FONT_SIZE = 14;

  const PAGE_TITLE = 'lacp mirror';
  const $ = (id) => document.getElementById(id);
  const panes = new Map(); // task_id -> { el, term, statusEl }
  let runs = [];
  let clockSkewMs = 0; // server time minus page time, for live durations
  let socket = null;
  let attempt = 0;
  let unackedDrawn = 0;

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function fileUrl(runId, rel) {
    const path = [runId, ...rel.split('/')].map(encodeURIComponent).join('/');
    return `/files/${path}?token=${encodeURIComponent(TOKEN)}`;
  }

  function link(text, href) {
    const a = el('a', null, text);
    a.href = href;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    return a;
  }

  function duration(ms) {
    if (ms === null || ms === undefined) return '';
    if (ms < 1000) return `${ms}ms`;
    const s = ms / 1000;
    if (s < 60) return `${s.toFixed(1)}s`;
    const m = Math.floor(s / 60);
    if (m < 60) return `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
    return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
  }

  function taskDuration(t) {
    if (t.ended_at === null && t.started_at !== null) return Date.now() + clockSkewMs - Date.parse(t.started_at);
    return t.duration_ms;
  }

  // ---- run tree ----

  /**
   * Boxes drawn so far, by run and by task, with what they were drawn from. An update
   * redraws only the boxes whose data changed and leaves the others in place: a box
   * swapped out under the mouse between button down and up loses the click, and a busy
   * run updates the tree several times a second. A live duration is not part of what a
   * box is drawn from (it changes with every update); tickDurations keeps it current.
   */
  const drawnRuns = new Map(); // run_id -> { sig, box, head }
  const drawnTasks = new Map(); // task_id -> { sig, box }

  function renderTree() {
    const tree = $('tree');
    const liveRuns = new Set(runs.map((r) => r.run_id));
    for (const [id, drawn] of drawnRuns) if (!liveRuns.has(id)) drawnRuns.delete(id);
    const runBoxes = [];
    const keptTasks = new Set();
    for (const run of runs) {
      const headSig = JSON.stringify([run.run_id, run.title]);
      let drawn = drawnRuns.get(run.run_id);
      if (!drawn) {
        drawn = { sig: null, box: el('div', 'run'), head: el('div', 'run-head') };
        drawnRuns.set(run.run_id, drawn);
      }
      if (drawn.sig !== headSig) {
        drawn.head.replaceChildren(el('b', null, run.run_id));
        if (run.title) drawn.head.append(` ${run.title}`);
        drawn.sig = headSig;
      }
      const taskBoxes = [drawn.head];
      for (const t of run.tasks) {
        const sig = JSON.stringify({ ...t, duration_ms: t.ended_at === null ? null : t.duration_ms });
        let task = drawnTasks.get(t.task_id);
        if (!task || task.sig !== sig) {
          task = { sig, box: renderTask(run, t) };
          drawnTasks.set(t.task_id, task);
        }
        keptTasks.add(t.task_id);
        taskBoxes.push(task.box);
      }
      placeChildren(drawn.box, taskBoxes);
      runBoxes.push(drawn.box);
    }
    for (const id of [...drawnTasks.keys()]) if (!keptTasks.has(id)) drawnTasks.delete(id);
    // A tab left in the background shows in its title that someone must approve or reject.
    const waiting = runs.reduce((n, r) => n + r.tasks.filter((t) => t.status === 'awaiting_checkpoint').length, 0);
    document.title = waiting > 0 ? `◆ ${waiting} waiting · ${PAGE_TITLE}` : PAGE_TITLE;
    placeChildren(tree, runBoxes.length > 0 ? runBoxes : [el('p', 'empty', 'No runs yet.')]);
  }

  /** Makes `parent`'s children exactly `wanted`, in order, moving only nodes that are out of place. */
  function placeChildren(parent, wanted) {
    wanted.forEach((node, i) => {
      const at = parent.children[i];
      if (at !== node) parent.insertBefore(node, at ?? null);
    });
    while (parent.children.length > wanted.length) parent.lastElementChild.remove();
  }

  function renderTask(run, t) {
    const box = el('div', 'task');
    box.dataset.taskId = t.task_id;
    const line = el('div', 'task-line');
    line.append(el('span', `status ${t.status}`, t.status.replace('_', ' ')), el('span', 'task-tool', t.tool), el('span', 'task-id', t.task_id));
    const time = el('span', 'task-time', duration(taskDuration(t)));
    time.dataset.live = t.ended_at === null && t.started_at !== null ? '1' : '';
    line.append(time);
    box.append(line);
    const summary = t.ended_at ? t.summary : t.title || t.summary;
    box.append(el('div', 'task-summary', summary));
    if (t.checkpoint) {
      const cp = t.checkpoint;
      const text =
        cp.state === 'waiting' ? `checkpoint ${cp.kind}: waiting for approval`
        : cp.state === 'unresolved' ? `checkpoint ${cp.kind}: never resolved`
        : `checkpoint ${cp.kind}: ${cp.state}${cp.reason ? ` (${cp.reason})` : ''}`;
      box.append(el('div', `checkpoint ${cp.state}`, text));
    }
    const links = el('div', 'links');
    const dir = `tasks/${t.task_id}`;
    links.append(link('stdout', fileUrl(run.run_id, `${dir}/stdout.log`)));
    if (t.mode === 'interactive') links.append(link('session.cast', fileUrl(run.run_id, `${dir}/session.cast`)));
    else links.append(link('stderr', fileUrl(run.run_id, `${dir}/stderr.log`)));
    links.append(link('task.json', fileUrl(run.run_id, `${dir}/task.json`)));
    for (const name of t.artifacts) links.append(link(`artifact: ${name}`, fileUrl(run.run_id, `${dir}/artifacts/${name}`)));
    box.append(links);
    return box;
  }

  /** Running tasks' durations tick without waiting for an event. */
  function tickDurations() {
    if (document.body.dataset.conn !== 'live') return;
    for (const run of runs)
      for (const t of run.tasks) {
        if (t.ended_at !== null || t.started_at === null) continue;
        const cell = document.querySelector(`.task[data-task-id="${CSS.escape(t.task_id)}"] .task-time`);
        if (cell) cell.textContent = duration(taskDuration(t));
      }
  }

  // ---- event log ----

  function appendLog(lines, reset) {
    const body = $('log-body');
    const box = $('log');
    const atBottom = box.scrollTop + box.clientHeight >= box.scrollHeight - 4;
    if (reset) body.replaceChildren();
    for (const l of lines) {
      const tr = el('tr');
      tr.append(
        el('td', null, l.ts.slice(11, 23)),
        el('td', null, l.task_id || l.run_id),
        el('td', null, l.event),
        el('td', `ev-status ${l.status}`, l.status),
        el('td', 'summary', l.summary),
      );
      body.append(tr);
    }
    while (body.rows.length > LOG_ROWS) body.deleteRow(0);
    if (atBottom || reset) box.scrollTop = box.scrollHeight;
  }

  // ---- terminal panes ----

  /**
   * The daemon's width table (src/core/display-width.ts): xterm's Unicode 11 table with the
   * wide characters added since (wide-chars.js). The page must agree with it, or rows shift.
   * The addon's provider is captured from a stand-in and extended, as the daemon does.
   */
  const widths = (() => {
    let unicode11 = null;
    new Unicode11Addon.Unicode11Addon().activate({ unicode: { register: (p) => (unicode11 = p) } });
    const wide = globalThis.LACP_WIDTHS.newerWide;
    const provider = Object.create(unicode11);
    provider.version = globalThis.LACP_WIDTHS.version;
    provider.wcwidth = (cp) => (wide.some(([from, to]) => cp >= from && cp <= to) ? 2 : unicode11.wcwidth(cp));
    return provider;
  })();

  function openPane(m) {
    closePane(m.task_id);
    $('panes').querySelector('.empty')?.remove();
    const box = el('div', m.exited ? 'pane exited' : 'pane');
    box.dataset.taskId = m.task_id;
    const title = el('div', 'pane-title');
    const statusEl = el('span', m.exited ? 'status succeeded' : 'status running', m.exited ? 'exited' : 'live');
    const name = el('span', 'task-tool', m.title);
    name.title = m.title; // cut short with an ellipsis when long: the whole of it on hover
    title.append(statusEl, name, el('span', 'task-id', m.task_id));
    const host = el('div', 'pane-term');
    box.append(title, host);
    $('panes').append(box);
    // disableStdin: keys typed here produce nothing, and the page has no way to send them anyway.
    // allowProposedApi: the width table is set through xterm's proposed `unicode` API.
    // cursorInactiveStyle: nobody focuses a read-only pane, so the cursor is drawn as a terminal draws it.
    const term = new Terminal({ cols: m.cols, rows: m.rows, disableStdin: true, cursorBlink: false, cursorInactiveStyle: 'block', fontSize: TERM_FONT_SIZE, scrollback: 1000 /* = the viewer session's PANE_SCROLLBACK */, allowProposedApi: true });
    term.unicode.register(widths);
    term.unicode.activeVersion = widths.version;
    term.open(host);
    term.write(SHOW_CURSOR + m.snapshot);
    panes.set(m.task_id, { el: box, term, statusEl });
  }

  function closePane(taskId) {
    const pane = panes.get(taskId);
    if (!pane) return;
    pane.term.dispose();
    pane.el.remove();
    panes.delete(taskId);
  }

  function paneData(m) {
    const pane = panes.get(m.task_id);
    const chars = m.data.length;
    if (!pane) return ack(chars);
    pane.term.write(m.data, () => ack(chars));
  }

  function paneExit(m) {
    const pane = panes.get(m.task_id);
    if (!pane) return;
    pane.el.classList.add('exited');
    pane.statusEl.className = `status ${m.exit_code === 0 ? 'succeeded' : 'failed'}`;
    pane.statusEl.textContent = m.signal ? `ended (${m.signal})` : `exited ${m.exit_code}`;
  }

  function ack(chars) {
    unackedDrawn += chars;
    if (unackedDrawn >= ACK_BATCH_CHARS) flushAck();
  }

  function flushAck() {
    if (unackedDrawn === 0 || !socket || socket.readyState !== WebSocket.OPEN) return;
    socket.send(JSON.stringify({ t: 'ack', chars: unackedDrawn }));
    unackedDrawn = 0;
  }

  // ---- connection ----

  function setConn(state, text) {
    const c = $('conn');
    c.className = `conn ${state}`;
    c.textContent = text;
    // Cut off, the page shows the past: greyed out (CSS), and running times stop where they were.
    document.body.dataset.conn = state;
    for (const cell of document.querySelectorAll('.task-time')) cell.classList.toggle('stale', state !== 'live' && cell.dataset.live === '1');
  }

  function resetView() {
    for (const id of [...panes.keys()]) closePane(id);
    unackedDrawn = 0;
  }

  function receive(m) {
    switch (m.t) {
      case 'hello':
        resetView();
        $('workspace').textContent = m.workspace;
        clockSkewMs = Date.parse(m.now) - Date.now();
        break;
      case 'tree':
        runs = m.runs;
        clockSkewMs = Date.parse(m.now) - Date.now();
        renderTree();
        break;
      case 'log':
        appendLog(m.lines, m.reset);
        break;
      case 'pane':
        openPane(m);
        break;
      case 'data':
        paneData(m);
        break;
      case 'resize':
        panes.get(m.task_id)?.term.resize(m.cols, m.rows);
        break;
      case 'exit':
        paneExit(m);
        break;
      case 'unpane':
        closePane(m.task_id);
        break;
    }
  }

  function connect() {
    setConn(attempt === 0 ? 'connecting' : 'reconnecting', attempt === 0 ? 'connecting…' : 'reconnecting…');
    const ws = new WebSocket(`ws://${location.host}/ws?token=${encodeURIComponent(TOKEN)}`);
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      setConn('live', 'live');
    };
    ws.onmessage = (e) => receive(JSON.parse(e.data));
    ws.onclose = (e) => {
      if (socket !== ws) return;
      socket = null;
      if (e.code === CLOSE_MIRROR_STOPPED) {
        setConn('stopped', 'stopped: lacp mirror --stop closed this mirror');
        return;
      }
      const wait = Math.min(RECONNECT_MAX_MS, RECONNECT_FIRST_MS * 2 ** attempt) * (0.75 + Math.random() / 2);
      attempt++;
      setConn('reconnecting', `disconnected: retrying in ${Math.round(wait / 1000)}s`);
      setTimeout(connect, wait);
    };
  }

  setInterval(flushAck, ACK_INTERVAL_MS);
  setInterval(tickDurations, 1000);
  connect();
})();
