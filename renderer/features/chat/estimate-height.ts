// Height estimates for timeline rows before they are measured, from their content and the list's
// width. Close estimates keep the list from jumping when rows above the viewport get measured, and
// make "start at the end" land near the real end. The constants follow chat.css.
import type { TimelineMessage } from '../../../electron/api/types';
import type { TimelineRow } from './timeline-rows';

const ROW_PADDING = 10; // .timeline-row, top + bottom
const SIDE_PADDING = 48; // .timeline-row, left + right
const READING_WIDTH = 760; // .timeline-row > * max-width
const CHAR_WIDTH = 7.3; // average of the 14px UI font
const LINE = 22.4; // .markdown: 14px × 1.6
const PARAGRAPH_GAP = 10.5; // 0.75em
const CODE_LINE = 18.75; // 12.5px × 1.5
const CODE_CHROME = 28 + 22 + PARAGRAPH_GAP; // .code-head, pre padding + border, margin
const TABLE_ROW = 32.5; // 13px × 1.5, padding, a collapsed border
const HEADING_HEIGHT = 46; // 1.05em × 1.6, margins (1.05em above, 0.5em below)
const META = 24; // .msg-meta
const META_LINE = 17.25; // .msg-meta text: 11.5px × 1.5
const META_BUTTONS = 22; // .msg-meta's last line, under a usage line: Copy and the actions
const META_CHAR_WIDTH = 6.2;
const BUBBLE_CHROME = 18 + 4; // .bubble padding, gap to the meta line

const HEADING = /^#{1,6}\s/;
const DELIMITER_ROW = /^\|[\s:|-]+\|?\s*$/;

function wrappedLines(length: number, charsPerLine: number): number {
  return Math.max(1, Math.ceil(length / charsPerLine));
}

/**
 * The height of assistant markdown laid out `width` pixels wide. One pass, no allocation per line.
 * Blocks are counted with their margin: a code block or table with its own, a paragraph or list
 * with the gap after it (blank lines in a row are one gap), a heading with both of its margins.
 */
export function estimateMarkdownHeight(text: string, width: number): number {
  const charsPerLine = Math.max(20, Math.floor(width / CHAR_WIDTH));
  let height = 0;
  let inFence = false;
  let inTable = false;
  /** Text ended a block whose margin is not counted yet. */
  let gapDue = false;
  let start = 0;
  while (start <= text.length) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    let first = start;
    while (first < end && (text.charCodeAt(first) === 32 || text.charCodeAt(first) === 9)) first++;
    const length = end - first;
    const char = text[first];
    if ((char === '`' || char === '~') && first - start < 4 && text.startsWith(char.repeat(3), first)) {
      if (!inFence) height += CODE_CHROME + (gapDue ? PARAGRAPH_GAP : 0);
      inFence = !inFence;
      gapDue = false;
    } else if (inFence) {
      // Code does not wrap: it scrolls.
      height += CODE_LINE;
    } else if (char === '|') {
      // The delimiter row (|---|) is not shown.
      if (!DELIMITER_ROW.test(text.slice(first, end))) height += TABLE_ROW;
      if (!inTable) height += PARAGRAPH_GAP + (gapDue ? PARAGRAPH_GAP : 0);
      inTable = true;
      gapDue = false;
    } else {
      inTable = false;
      if (length === 0) {
        if (gapDue) height += PARAGRAPH_GAP;
        gapDue = false;
      } else if (char === '#' && HEADING.test(text.slice(first, Math.min(end, first + 8)))) {
        height += HEADING_HEIGHT;
        gapDue = false;
      } else {
        height += LINE * wrappedLines(length, charsPerLine);
        gapDue = true;
      }
    }
    if (newline === -1) break;
    start = newline + 1;
  }
  return Math.round(height);
}

/**
 * The line under a reply: one line, or with a turn's usage that line on its own (it may wrap), the
 * latency above it and Copy and the actions below.
 */
function metaHeight(entry: TimelineMessage, afterPrompt: boolean, content: number): number {
  const usage = entry.usage;
  if (!usage) return META;
  // The models, then tokens, cost and duration: about 60 characters.
  const chars = usage.models.join(', ').length + 60;
  return META_BUTTONS + META_LINE * (wrappedLines(chars * META_CHAR_WIDTH, content) + (afterPrompt ? 1 : 0));
}

function estimateMessageHeight(entry: TimelineMessage, afterPrompt: boolean, content: number): number {
  const sender = entry.sender ? 20 : 0;
  if (entry.role === 'user') {
    // The bubble is at most 85% of the row, 640 px, and keeps the text's own line breaks.
    const bubbleChars = Math.floor((Math.min(640, content * 0.85) - 28) / CHAR_WIDTH);
    const lines = entry.text
      .split('\n')
      .reduce((sum, line) => sum + wrappedLines(line.length, bubbleChars), 0);
    return ROW_PADDING + sender + BUBBLE_CHROME + lines * LINE + META;
  }
  return ROW_PADDING + sender + estimateMarkdownHeight(entry.text, content) + metaHeight(entry, afterPrompt, content);
}

/**
 * By entry (a changed entry is a new object): the virtualizer asks again for every row after the
 * one it just measured, so without this a long session costs a text scan per row per measurement.
 */
const messageHeights = new WeakMap<TimelineMessage, { content: number; afterPrompt: boolean; height: number }>();

/** `width` is the timeline's width; `expanded` whether the row's details are open. */
export function estimateRowHeight(row: TimelineRow, width: number, expanded: boolean): number {
  const content = Math.min(READING_WIDTH, Math.max(200, width - SIDE_PADDING));
  switch (row.kind) {
    case 'message': {
      const afterPrompt = row.afterPrompt !== null;
      const known = messageHeights.get(row.entry);
      if (known?.content === content && known.afterPrompt === afterPrompt) return known.height;
      const height = estimateMessageHeight(row.entry, afterPrompt, content);
      messageHeights.set(row.entry, { content, afterPrompt, height });
      return height;
    }
    case 'inquiry':
      return 220;
    case 'tool':
    case 'thinking':
    case 'talk':
      return expanded ? 240 : 42;
    case 'peer':
      return expanded ? 260 : 66;
    case 'error':
      return 46;
  }
}
