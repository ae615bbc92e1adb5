// The export's rendering, without a host: Markdown read back with a CommonMark parser (markdown-it),
// so a fenced block is checked the way a reader's viewer sees it, and JSON parsed back.
import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import type { SessionSummary, TimelineEntry, UsageRecord } from '../../../electron/api/types';
import {
  closeOpenFence,
  exportFilename,
  fenced,
  renderJson,
  renderMarkdown,
  type ExportInput,
} from '../../../electron/host/session-export';

const T0 = Date.UTC(2026, 2, 10, 9, 0, 0);
const session: SessionSummary = {
  id: '0193ab12-aaaa-7bbb-8ccc-ddddeeeeffff',
  workspaceId: 'ws-1',
  agentKey: 'coder',
  parentSessionId: null,
  title: 'Fix the build: `npm test` fails!',
  state: 'idle',
  createdAt: T0,
  updatedAt: T0 + 60_000,
  pinnedAt: null,
  archivedAt: null,
};

let position = 0;
function message(
  turnId: string,
  role: 'user' | 'assistant',
  text: string,
  extra: Partial<TimelineEntry> = {},
): TimelineEntry {
  return {
    kind: 'message',
    id: `m${++position}`,
    sessionId: session.id,
    turnId,
    role,
    text,
    status: 'done',
    sender: null,
    createdAt: T0 + position * 1000,
    ...extra,
  } as TimelineEntry;
}
function activity(turnId: string | null, activityKind: string, data: Record<string, unknown>): TimelineEntry {
  return {
    kind: 'activity',
    id: `a${++position}`,
    sessionId: session.id,
    turnId,
    activityKind,
    data,
    createdAt: T0 + position * 1000,
  } as TimelineEntry;
}
function usage(model: string, costUsd: number | null, tokens = 100): UsageRecord {
  return {
    id: `u-${model}-${costUsd}`,
    sessionId: session.id,
    agentKey: 'coder',
    source: 'agent',
    model,
    requests: 1,
    inputTokens: tokens,
    cachedInputTokens: 0,
    outputTokens: tokens,
    reasoningTokens: 10,
    createdAt: T0,
    costUsd,
  };
}

/** Content that tries to end the block it sits in: a fence of 3 and one of 4 backticks. */
const HOSTILE_OUTPUT = 'line one\n```\n## Not a heading\n````\nstill inside';

function conversation(usageRows: UsageRecord[]): ExportInput {
  position = 0;
  const entries = [
    message('t1', 'user', 'What time is it in Paris?'),
    activity('t1', 'thinking', { text: 'The user wants the time.\nI should call the tool.' }),
    activity('t1', 'tool_call', {
      callId: 'call_1',
      tool: 'get_current_time',
      arguments: '{"timezone":"Europe/Paris"}',
    }),
    activity('t1', 'tool_result', { callId: 'call_1', tool: 'get_current_time', output: HOSTILE_OUTPUT }),
    message('t1', 'assistant', 'It is **10:00** in Paris.'),
    message('t2', 'user', 'Ask me something, then ask the reviewer.'),
    activity('t2', 'inquiry.request', {
      inquiryId: 'q1',
      markdown: 'Which branch?',
      suggestions: ['main', 'dev'],
      files: [],
    }),
    activity('t2', 'inquiry.response', { inquiryId: 'q1', text: 'dev', suggestionIndex: 1 }),
    activity('t2', 'talk_to.request', { requestId: 'r1', peer: 'reviewer', text: 'Please review dev.' }),
    activity('t2', 'talk_to.response', { requestId: 'r1', peer: 'reviewer', response: 'Looks good.' }),
    activity('t2', 'tool_call', { callId: 'call_2', tool: 'run_tests', arguments: 'not json {' }),
    activity('t2', 'tool_result', { callId: 'call_2', tool: 'run_tests', output: 'boom', isError: true }),
    message('t2', 'assistant', 'Stopped here', { status: 'interrupted' } as Partial<TimelineEntry>),
    activity(null, 'error', { message: 'The model was rate limited.' }),
  ];
  return {
    session,
    entries,
    messages: [{ role: 'user', content: 'What time is it in Paris?' }],
    usage: usageRows,
    exportedAt: T0 + 3_600_000,
  };
}

const md = new MarkdownIt();

describe('Markdown export', () => {
  it('has a heading per turn, the text, tool calls with their results, reasoning as a quote, questions and talks', () => {
    const text = renderMarkdown(conversation([usage('gpt-4o', 0.0012)]));
    const tokens = md.parse(text, {});
    const headings = tokens.flatMap((token, i) =>
      token.type === 'heading_open' ? [`${token.tag} ${tokens[i + 1].content}`] : [],
    );
    expect(headings).toEqual([
      'h1 Fix the build: `npm test` fails!',
      'h2 Turn 1 · 2026-03-10 09:00:01 UTC',
      'h2 Turn 2 · 2026-03-10 09:00:06 UTC',
      'h2 Usage and cost',
    ]);
    const fences = tokens
      .filter((token) => token.type === 'fence')
      .map((token) => ({ info: token.info, content: token.content }));
    // Arguments pretty-printed as JSON; the hostile result whole, in one block, nothing escaping it.
    expect(fences[0]).toEqual({ info: 'json', content: '{\n  "timezone": "Europe/Paris"\n}\n' });
    expect(fences[1]).toEqual({ info: '', content: `${HOSTILE_OUTPUT}\n` });
    expect(text).toContain('**Tool call `get_current_time`** (call_1)');
    // Arguments that are not JSON are shown as they came; a failed result says so.
    expect(fences.map((fence) => fence.content)).toContain('not json {\n');
    expect(text).toContain('**Result (error):**');
    // Reasoning sits in a blockquote, every line of it.
    expect(text).toContain('> **Reasoning**\n>\n> The user wants the time.\n> I should call the tool.');
    expect(tokens.some((token) => token.type === 'blockquote_open')).toBe(true);
    expect(text).toContain('**You:**\n\nWhat time is it in Paris?');
    expect(text).toContain('**coder:**\n\nIt is **10:00** in Paris.');
    expect(text).toContain('**coder:** _(interrupted)_');
    expect(text).toContain(
      '**Question to you:**\n\n> Which branch?\n\n- main\n- dev\n\n**Your answer:** dev',
    );
    expect(text).toContain('**To agent reviewer:**');
    expect(text).toContain('**Agent reviewer answered:**');
    expect(fences.map((fence) => fence.content)).toContain('The model was rate limited.\n');
    // A result is shown once, under its call.
    expect(text.match(/\*\*Result/g)).toHaveLength(2);
  });

  it('ends with usage and cost, and an unknown cost is "unknown", never $0', () => {
    const text = renderMarkdown(conversation([usage('gpt-4o', 0.0012), usage('house-model', null)]));
    expect(text).toContain('| gpt-4o | 1 | 100 | 0 | 100 | 10 | $0.0012 |');
    expect(text).toContain('| house-model | 1 | 100 | 0 | 100 | 10 | unknown |');
    expect(text).toContain('| **Total** | **2** | **200** | **0** | **200** | **20** | **unknown** |');
    expect(text).not.toContain('$0.0000');
    expect(text).toContain('Cost unknown: no price for house-model.');

    const priced = renderMarkdown(conversation([usage('gpt-4o', 0.0012), usage('gpt-4o', 0.0008)]));
    expect(priced).toContain('| **Total** | **2** | **200** | **0** | **200** | **20** | **$0.0020** |');
    expect(renderMarkdown(conversation([]))).toContain('No model calls were recorded for this conversation.');
  });

  it('keeps a model name with a pipe inside its table cell', () => {
    const text = renderMarkdown(conversation([usage('evil|model', null)]));
    const tokens = md.parse(text, {});
    const firstRow = tokens.findIndex((token) => token.type === 'tbody_open');
    const cells = tokens.slice(
      firstRow,
      tokens.findIndex((token, i) => i > firstRow && token.type === 'tr_close'),
    );
    expect(cells.filter((token) => token.type === 'inline').map((token) => token.content)).toEqual([
      'evil|model',
      '1',
      '100',
      '0',
      '100',
      '10',
      'unknown',
    ]);
  });
});

describe('fenced', () => {
  it('uses a fence longer than any backtick run inside', () => {
    expect(fenced('a')).toBe('```\na\n```');
    expect(fenced('x ```` y')).toBe('`````\nx ```` y\n`````');
    const parsed = md.parse(fenced('`````\n# inside\n```'), {});
    expect(parsed.map((token) => token.type)).toEqual(['fence']);
  });
});

describe('closeOpenFence', () => {
  it('closes a code block a reply left open, so the rest of the export stays outside it', () => {
    const cut = 'Here is the fix:\n````ts\nconst a = "```";\n```\nstill code';
    expect(closeOpenFence(cut)).toBe(`${cut}\n${'`'.repeat(4)}`);
    const closed = 'text\n```\ncode\n```\nmore';
    expect(closeOpenFence(closed)).toBe(closed);
    const input = conversation([]);
    input.entries.splice(1, 0, message('t1', 'assistant', cut));
    const tokens = md.parse(renderMarkdown(input), {});
    // The turn and usage headings are still headings, not code.
    expect(tokens.filter((token) => token.type === 'heading_open')).toHaveLength(4);
  });
});

describe('JSON export', () => {
  it('holds the OpenAI-format messages, the activities and the usage with an unknown total cost', () => {
    const input = conversation([usage('gpt-4o', 0.0012), usage('house-model', null)]);
    const document = JSON.parse(renderJson(input)) as Record<string, unknown> & {
      usage: { total: { costUsd: number | null }; byModel: { model: string; costUsd: number | null }[] };
      activities: { kind: string }[];
    };
    expect(document.format).toBe('dspatch.conversation');
    expect(document.session).toEqual(session);
    expect(document.messages).toEqual(input.messages);
    expect(document.activities.map((a) => a.kind)).toEqual([
      'thinking',
      'tool_call',
      'tool_result',
      'inquiry.request',
      'inquiry.response',
      'talk_to.request',
      'talk_to.response',
      'tool_call',
      'tool_result',
      'error',
    ]);
    expect(document.usage.total.costUsd).toBeNull();
    expect(document.usage.byModel).toEqual([
      expect.objectContaining({ model: 'gpt-4o', costUsd: 0.0012 }),
      expect.objectContaining({ model: 'house-model', costUsd: null }),
    ]);
  });
});

describe('exportFilename', () => {
  it('is a slug of the title and the id, with the format as extension', () => {
    expect(exportFilename(session, 'md')).toBe('fix-the-build-npm-test-fails-0193ab12.md');
    expect(exportFilename({ ...session, title: '../../etc/passwd' }, 'json')).toBe(
      'etc-passwd-0193ab12.json',
    );
    expect(exportFilename({ ...session, title: '' }, 'json')).toBe('conversation-0193ab12.json');
  });
});
