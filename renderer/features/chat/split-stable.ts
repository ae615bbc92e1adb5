// Splits assistant markdown into blocks that are parsed, highlighted and cached one by one, so a
// streaming message re-parses only its last block per token and a finished block is never parsed
// again. A cut is made at a blank line outside a code fence when the next line starts a new
// top-level block: not indented (a list item's continuation or indented code) and not a list item
// (a loose list must stay one list). Text with link or footnote definitions is one block, since a
// definition applies to the whole text.
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const LIST_ITEM = /^([-*+]|\d{1,9}[.)])(\s|$)/;
const DEFINITION = /^ {0,3}\[[^\]]+\]:/m;

/** Every block but the last is finished; the last one may still grow while the message streams. */
export function splitBlocks(text: string): string[] {
  if (DEFINITION.test(text)) return [text];
  const blocks: string[] = [];
  let inFence = false;
  let fenceMarker = '';
  let blockStart = 0;
  let lineStart = 0;
  let previousBlank = false;
  while (lineStart < text.length) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline === -1 ? text.length : newline;
    const line = text.slice(lineStart, lineEnd);
    const fence = FENCE.exec(line);
    if (!inFence && previousBlank && lineStart > blockStart && /^\S/.test(line) && !LIST_ITEM.test(line)) {
      blocks.push(text.slice(blockStart, lineStart));
      blockStart = lineStart;
    }
    if (fence) {
      const marker = fence[1];
      if (!inFence) {
        inFence = true;
        fenceMarker = marker;
      } else if (
        marker[0] === fenceMarker[0] &&
        marker.length >= fenceMarker.length &&
        line.trim() === marker
      ) {
        inFence = false;
      }
    }
    previousBlank = !inFence && line.trim() === '';
    if (newline === -1) break;
    lineStart = newline + 1;
  }
  blocks.push(text.slice(blockStart));
  return blocks;
}
