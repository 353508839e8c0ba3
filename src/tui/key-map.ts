/**
 * Every control-plane command, once: the key bindings, the `?` overlay and the `:`
 * palette are all generated from this table, so they cannot drift apart.
 * Key names are blessed's (`C-a`, `S-tab`, `return`).
 */
export const COMMAND_IDS = [
  'help', 'down', 'up', 'enter', 'leave', 'next-pane', 'prev-pane', 'zoom', 'new-task', 'cancel',
  'approve', 'reject', 'filter', 'palette', 'events-scope', 'page-next', 'page-prev', 'scroll-up', 'scroll-down',
  'quit', 'quit-stop',
] as const;
export type CommandId = (typeof COMMAND_IDS)[number];

export interface CommandSpec {
  id: CommandId;
  keys: readonly string[];
  /** One line for the help overlay and the palette. */
  title: string;
}

export const KEY_MAP: readonly CommandSpec[] = [
  { id: 'help', keys: ['?'], title: 'help: this overlay (any key closes it)' },
  { id: 'down', keys: ['j', 'down'], title: 'move down in the run tree' },
  { id: 'up', keys: ['k', 'up'], title: 'move up in the run tree' },
  { id: 'enter', keys: ['enter'], title: 'interactive task: keys go into its pane; batch task: its log' },
  { id: 'leave', keys: ['C-a'], title: 'leave the pane: keys go to the control plane again; twice: sends it to the task' },
  { id: 'next-pane', keys: ['tab'], title: 'select the next pane (and its task)' },
  { id: 'prev-pane', keys: ['S-tab'], title: 'select the previous pane (and its task)' },
  { id: 'zoom', keys: ['z'], title: 'zoom the selected pane to the whole screen, and back' },
  { id: 'new-task', keys: ['n'], title: 'new task: pick a tool, give a prompt and variables' },
  { id: 'cancel', keys: ['c'], title: 'cancel the selected task (asks first)' },
  { id: 'approve', keys: ['a'], title: "approve the selected task's checkpoint" },
  { id: 'reject', keys: ['r'], title: "reject the selected task's checkpoint" },
  { id: 'filter', keys: ['/'], title: 'filter the run tree and the event log' },
  { id: 'palette', keys: [':'], title: 'command palette: every command by name' },
  { id: 'events-scope', keys: ['e'], title: 'event log: all runs or the selected run' },
  { id: 'page-next', keys: [']'], title: 'next page of the terminal grid' },
  { id: 'page-prev', keys: ['['], title: 'previous page of the terminal grid' },
  { id: 'scroll-up', keys: ['pageup', 'K'], title: "scroll the selected pane's history up" },
  { id: 'scroll-down', keys: ['pagedown', 'J'], title: "scroll the selected pane's history down" },
  { id: 'quit', keys: ['q'], title: 'quit the UI; the daemon and its tasks keep running' },
  { id: 'quit-stop', keys: ['Q'], title: 'quit and stop the daemon (asks first when tasks run)' },
];

/** Key names as a user reads them. */
const KEY_LABELS: Record<string, string> = {
  enter: 'Enter', down: '↓', up: '↑', tab: 'Tab', 'S-tab': 'Shift-Tab', 'C-a': 'Ctrl-a', pageup: 'PgUp', pagedown: 'PgDn',
};

export function keyLabel(key: string): string {
  return KEY_LABELS[key] ?? key.replace(/^C-(?=.)/, 'Ctrl-');
}

export function keysLabel(spec: CommandSpec): string {
  return spec.keys.map(keyLabel).filter(Boolean).join(' ');
}

/**
 * The defaults with a user's bindings (a preset's `keys:`) over them: a command named
 * there gets exactly those keys, and a key it takes is removed from any other command.
 */
export function withOverrides(map: readonly CommandSpec[], overrides: Partial<Record<CommandId, string[]>>): CommandSpec[] {
  const taken = new Set(Object.values(overrides).flat());
  return map.map((spec) => {
    const own = overrides[spec.id];
    return { ...spec, keys: own ?? spec.keys.filter((k) => !taken.has(k)) };
  });
}

/** The first key bound to a command, as a user reads it; null when none is. */
export function firstKeyLabel(map: readonly CommandSpec[], id: CommandId): string | null {
  const key = map.find((s) => s.id === id)?.keys[0];
  return key === undefined ? null : keyLabel(key);
}

/** The status line's reminders, from the bindings in force (a remapped key shows as remapped). */
export function statusHints(map: readonly CommandSpec[]): string {
  const hints: [CommandId, string][] = [['help', 'help'], ['palette', 'commands'], ['quit', 'quit']];
  return hints.flatMap(([id, word]) => {
    const key = firstKeyLabel(map, id);
    return key === null ? [] : [`${key} ${word}`];
  }).join('  ');
}

/**
 * What the status line says while a pane takes the keys: how to get them back, and how
 * to send the task the leave key itself (pressed twice, as tmux's prefix).
 */
export function paneHint(map: readonly CommandSpec[]): string {
  const leave = firstKeyLabel(map, 'leave');
  return `PANE: keys go to the task${leave === null ? '' : `, ${leave} leaves (twice: sends ${leave})`}`;
}

export function isCommandId(name: string): name is CommandId {
  return (COMMAND_IDS as readonly string[]).includes(name);
}

export function buildKeyIndex(map: readonly CommandSpec[]): Map<string, CommandId> {
  const index = new Map<string, CommandId>();
  for (const spec of map) for (const key of spec.keys) index.set(key, spec.id);
  return index;
}

/** The `?` overlay's lines, straight from the map. */
export function helpLines(map: readonly CommandSpec[]): string[] {
  const width = Math.max(...map.map((s) => keysLabel(s).length));
  return map.map((s) => `${keysLabel(s).padEnd(width)}  ${s.title}`);
}

/** Palette entries matching `query` (every word must appear in the id or title). */
export function paletteMatches(map: readonly CommandSpec[], query: string): CommandSpec[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return map.filter((s) => words.every((w) => s.id.includes(w) || s.title.toLowerCase().includes(w)));
}
