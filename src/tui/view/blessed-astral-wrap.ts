import { createRequire } from 'node:module';

/**
 * blessed (fullUnicode) wraps and cuts Element content (`_wrapContent`) by counting
 * UTF-16 units as columns. A wide character gets a filler unit after it (see
 * blessed-wide-chars.ts), so a CJK character is 2 units for 2 columns, but an emoji is a
 * surrogate pair plus the filler: 3 units. When wrapping, blessed adds back one unit per
 * pair before its first cut but not for the pairs that extension takes in, so ten 😀 in
 * 20 columns went 9 on the row, 1 on the next; without wrap (cut at the edge) nothing is
 * added back (7 of them showed), and centred or right-aligned rows sat one column off per
 * emoji. Here each pair reaches blessed's wrap as one unit, a placeholder, and is put back
 * in the rows it returns.
 */
interface WrappedLines extends Array<string> {
  ftor: number[][];
  fake: string[];
}

interface BlessedElement {
  screen: { fullUnicode: boolean };
  _wrapContent(this: BlessedElement, content: string, width: number): WrappedLines;
}

/** SUB: one unit, so one column to the wrap; blessed strips it (with most C0 controls) from content first, so text never holds it. */
const PLACEHOLDER = '\x1a';
const SURROGATE_PAIR = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;
const HAS_SURROGATE_PAIR = /[\uD800-\uDBFF][\uDC00-\uDFFF]/;

const Element = createRequire(import.meta.url)('blessed/lib/widgets/element') as { prototype: BlessedElement };
const blessedWrapContent = Element.prototype._wrapContent;

Element.prototype._wrapContent = function (content, width) {
  if (!this.screen.fullUnicode || !HAS_SURROGATE_PAIR.test(content)) return blessedWrapContent.call(this, content, width);
  const out = blessedWrapContent.call(this, content.replace(SURROGATE_PAIR, PLACEHOLDER), width);
  // Rows of one source line hold its pairs in order (a row cut off without wrap drops a tail).
  const sourceLines = content.split('\n');
  sourceLines.forEach((line, no) => {
    const pairs = line.match(SURROGATE_PAIR) ?? [];
    let next = 0;
    for (const row of out.ftor[no] ?? []) out[row] = out[row]!.replaceAll(PLACEHOLDER, () => pairs[next++] ?? '');
  });
  out.fake = sourceLines; // setLine/insertLine rebuild content from these
  return out;
};
