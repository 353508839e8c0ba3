import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError } from '../config/config-error.js';
import { locate, locateValue } from '../config/yaml-locate.js';
import { showControls } from '../core/terminal-text.js';
import { PaneLayout, regionOverlap, type RegionName, type RegionRect } from '../core/pane-layout-schema.js';
import { COMMAND_IDS, isCommandId, KEY_MAP, withOverrides, type CommandId } from './key-map.js';

/** The presets shipped with the package: a workspace's own `panes/` wins over them. */
const PACKAGE_PANES = fileURLToPath(new URL('../../panes', import.meta.url));
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

export interface LoadedLayout {
  name: string;
  file: string;
  layout: PaneLayout;
}

/** A --layout name that names no preset: a usage error (one line, exit 2), not a fault in a file. */
export class LayoutNameError extends Error {}

/**
 * Finds `NAME.yaml` in the workspace's panes/ or the package's, and validates it.
 * Throws LayoutNameError when no preset has that name, ConfigError when its file is bad.
 */
export function loadLayout(name: string, workspacePanes: string): LoadedLayout {
  const available = () => [...new Set([...layoutNames(workspacePanes), ...layoutNames(PACKAGE_PANES)])].sort().join(', ') || 'none';
  if (!NAME_PATTERN.test(name)) throw new LayoutNameError(`bad layout name '${showControls(name)}' (letters, digits, - and _; available: ${available()})`);
  for (const dir of [workspacePanes, PACKAGE_PANES]) {
    const file = join(dir, `${name}.yaml`);
    if (existsSync(file)) return { name, file, layout: parseLayoutText(readFileSync(file, 'utf8'), file) };
  }
  throw new LayoutNameError(`unknown layout '${name}' (available: ${available()})`);
}

export function layoutNames(dir: string): string[] {
  try {
    // Only names --layout accepts: a file it could never load is not offered.
    return readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -5)).filter((n) => NAME_PATTERN.test(n));
  } catch {
    return [];
  }
}

export function parseLayoutText(text: string, file: string): PaneLayout {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const pos = lines.linePos(yamlError.pos[0]);
    throw new ConfigError(file, pos.line, pos.col, `YAML: ${yamlError.message.split('\n')[0]}`);
  }
  const parsed = PaneLayout.safeParse(doc.toJS() ?? {});
  if (parsed.success) {
    overlapCheck(doc, lines, file, parsed.data);
    const unknown = Object.keys(parsed.data.keys).find((k) => !isCommandId(k));
    if (unknown !== undefined) {
      const pos = locate(doc, lines, ['keys', unknown]);
      throw new ConfigError(file, pos.line, pos.col, `keys.${unknown}: no such command (one of ${COMMAND_IDS.join(', ')})`);
    }
    // Without a leave key, keys typed into a pane could never come back to the control plane.
    const overrides = parsed.data.keys as Partial<Record<CommandId, string[]>>;
    const leave = withOverrides(KEY_MAP, overrides).find((c) => c.id === 'leave')!;
    if (leave.keys.length > 0) return parsed.data;
    const defaults = KEY_MAP.find((c) => c.id === 'leave')!.keys;
    const taker = Object.entries(overrides).find(([, keys]) => keys?.some((k) => defaults.includes(k)))![0];
    const pos = locate(doc, lines, ['keys', taker]);
    throw new ConfigError(file, pos.line, pos.col, `keys.${taker}: takes leave's only key: give leave another (leave: [KEY])`);
  }
  const issue = parsed.error.issues[0]!;
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : [...issue.path];
  const pos = issue.code === 'unrecognized_keys' ? locate(doc, lines, path) : locateValue(doc, lines, path);
  const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
  const what = issue.code === 'unrecognized_keys' ? `unknown key '${issue.keys[0]}'` : missing ? `required (expected ${issue.expected})` : issue.message;
  throw new ConfigError(file, pos.line, pos.col, `${path.join('.') || '(top)'}: ${what}`);
}

/**
 * Two regions covering the same cells would draw over each other (blessed draws the later
 * widget on top, the other half hidden): refused at the later one in the file, naming both.
 */
function overlapCheck(doc: ReturnType<typeof parseDocument>, lines: LineCounter, file: string, layout: PaneLayout): void {
  const inFileOrder = Object.keys((doc.toJS() as { regions: object }).regions) as RegionName[];
  const seen: [RegionName, RegionRect][] = [];
  for (const name of inFileOrder) {
    const rect = layout.regions[name]!;
    for (const [other, earlier] of seen) {
      const both = regionOverlap(earlier, rect);
      if (!both) continue;
      const pos = locate(doc, lines, ['regions', name]);
      const pct = (n: number) => String(Number(n.toFixed(3)));
      const span = `left ${pct(both.left)}-${pct(both.left + both.width)}, top ${pct(both.top)}-${pct(both.top + both.height)}`;
      throw new ConfigError(file, pos.line, pos.col, `regions.${name}: overlaps regions.${other} (${span})`);
    }
    seen.push([name, rect]);
  }
}
