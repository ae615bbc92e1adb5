// Splits streaming markdown into a stable head and a growing tail, so only the tail re-renders per
// token. The cut is the last blank line outside a code fence: everything before it is finished
// markdown blocks that later text cannot change.
export interface SplitText {
  head: string;
  tail: string;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;

export function splitStable(text: string): SplitText {
  let inFence = false;
  let fenceMarker = '';
  let cut = 0;
  let lineStart = 0;
  let previousBlank = false;
  while (lineStart <= text.length) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline === -1 ? text.length : newline;
    const line = text.slice(lineStart, lineEnd);
    const fence = FENCE.exec(line);
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
      previousBlank = false;
    } else {
      const blank = line.trim() === '';
      // A blank line after content ends a block; the next block starts at the following line.
      if (blank && !inFence && !previousBlank && lineStart > 0 && newline !== -1) cut = newline + 1;
      previousBlank = blank;
    }
    if (newline === -1) break;
    lineStart = newline + 1;
  }
  return { head: text.slice(0, cut), tail: text.slice(cut) };
}
