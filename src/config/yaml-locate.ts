import { isMap, isNode, isPair, isScalar, LineCounter, type Document } from 'yaml';

export interface Position {
  line: number;
  col: number;
}

/**
 * Finds where a path points in a parsed YAML document: the key of the deepest
 * existing node, so `tools.x.cmd: expected array` points at `cmd:`.
 */
export function locate(doc: Document, lines: LineCounter, path: readonly PropertyKey[]): Position {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (const segment of path) {
    if (!isMap(node) && !(isNode(node) && 'items' in node)) break;
    const items = (node as { items: unknown[] }).items;
    if (isMap(node)) {
      const pair = items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
      if (!isPair(pair)) break;
      offset = rangeStart(pair.key) ?? offset;
      node = pair.value;
    } else {
      const item = items[Number(segment)];
      if (item === undefined) break;
      offset = rangeStart(item) ?? offset;
      node = item;
    }
  }
  const pos = lines.linePos(offset);
  return { line: pos.line, col: pos.col };
}

/** Where a value sits (not its key): for errors about the value itself. */
export function locateValue(doc: Document, lines: LineCounter, path: readonly PropertyKey[]): Position {
  const node = doc.getIn(path as PropertyKey[], true);
  const start = rangeStart(node);
  if (start === undefined) return locate(doc, lines, path);
  const pos = lines.linePos(start);
  return { line: pos.line, col: pos.col };
}

function rangeStart(node: unknown): number | undefined {
  if (isNode(node) && node.range) return node.range[0];
  return undefined;
}
