// Turning a search hit into what the dialog shows: the snippet split at its marks (rendered as text
// and <mark> elements, never as HTML), and a short name for the kind of entry it came from.
import type { SearchHitKind } from '../../../electron/api/types';

export interface SnippetPart {
  text: string;
  match: boolean;
}

/** The snippet in order, split at the marks; marks out of order or out of range are skipped. */
export function snippetParts(snippet: string, marks: readonly (readonly [number, number])[]): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let at = 0;
  for (const [start, end] of marks) {
    if (start < at || end <= start || end > snippet.length) continue;
    if (start > at) parts.push({ text: snippet.slice(at, start), match: false });
    parts.push({ text: snippet.slice(start, end), match: true });
    at = end;
  }
  if (at < snippet.length) parts.push({ text: snippet.slice(at), match: false });
  return parts;
}

const KIND_LABELS: Record<SearchHitKind, string> = {
  user: 'You',
  assistant: 'Reply',
  tool_call: 'Tool call',
  tool_result: 'Tool result',
  thinking: 'Reasoning',
  'talk_to.request': 'Asked agent',
  'talk_to.response': 'Agent answered',
  'inquiry.request': 'Question',
  'inquiry.response': 'Answer',
  error: 'Error',
  task: 'Task',
};

export function hitLabel(kind: SearchHitKind): string {
  return KIND_LABELS[kind];
}
