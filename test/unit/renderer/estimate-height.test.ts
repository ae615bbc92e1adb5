import { describe, expect, it } from 'vitest';
import type { TimelineMessage } from '../../../electron/api/types';
import { estimateMarkdownHeight, estimateRowHeight } from '../../../renderer/features/chat/estimate-height';

function message(role: 'user' | 'assistant', text: string): TimelineMessage {
  return {
    kind: 'message',
    id: `m-${role}-${text.length}`,
    sessionId: 's',
    turnId: 't',
    role,
    text,
    status: 'done',
    sender: null,
    createdAt: 0,
  };
}

describe('estimateMarkdownHeight', () => {
  it('grows with wrapped lines, and wraps more on a narrow list', () => {
    const paragraph = 'word '.repeat(200);
    expect(estimateMarkdownHeight(paragraph, 700)).toBeGreaterThan(estimateMarkdownHeight('word', 700) * 5);
    expect(estimateMarkdownHeight(paragraph, 300)).toBeGreaterThan(
      estimateMarkdownHeight(paragraph, 700) * 2,
    );
  });

  it('counts code lines without wrapping and a frame per block', () => {
    const code = `\`\`\`ts\n${'const x = 1;\n'.repeat(20)}\`\`\``;
    const oneLine = estimateMarkdownHeight('```ts\nconst x = 1;\n```', 700);
    expect(Math.abs(estimateMarkdownHeight(code, 700) - oneLine - 19 * 18.75)).toBeLessThan(1);
    expect(estimateMarkdownHeight(code, 300)).toBe(estimateMarkdownHeight(code, 700));
  });

  it('counts table rows but not the delimiter row', () => {
    const two = estimateMarkdownHeight('| a |\n| --- |\n| 1 |', 700);
    const three = estimateMarkdownHeight('| a |\n| --- |\n| 1 |\n| 2 |', 700);
    expect(Math.abs(three - two - 32.5)).toBeLessThan(1);
  });

  it('counts one gap between blocks, however many blank lines separate them', () => {
    const one = estimateMarkdownHeight('Text.\n\nMore text.', 700);
    expect(estimateMarkdownHeight('Text.\n\n\n\nMore text.', 700)).toBe(one);
    const code = '```ts\nconst a = 1;\n```';
    expect(estimateMarkdownHeight(`${code}\n\nText.`, 700)).toBe(estimateMarkdownHeight(`${code}\nText.`, 700));
  });
});

describe('estimateRowHeight', () => {
  it('estimates a reply from its content and a user bubble from its lines', () => {
    const short = estimateRowHeight(
      { kind: 'message', key: 'a', entry: message('assistant', 'Hi.'), afterPrompt: null },
      1000,
      false,
    );
    const long = estimateRowHeight(
      {
        kind: 'message',
        key: 'b',
        entry: message('assistant', `Intro\n\n\`\`\`ts\n${'x();\n'.repeat(30)}\`\`\``),
        afterPrompt: null,
      },
      1000,
      false,
    );
    expect(long).toBeGreaterThan(short + 30 * 18);
    const bubble = estimateRowHeight(
      { kind: 'message', key: 'c', entry: message('user', 'one\ntwo\nthree'), afterPrompt: null },
      1000,
      false,
    );
    expect(bubble).toBeGreaterThan(
      estimateRowHeight(
        { kind: 'message', key: 'd', entry: message('user', 'one'), afterPrompt: null },
        1000,
        false,
      ) +
        2 * 22,
    );
  });

  it('leaves room for the usage line under the last reply of a turn, and for the latency above it', () => {
    const usage = {
      models: ['gpt-test'],
      requests: 1,
      inputTokens: 1200,
      cachedInputTokens: 0,
      outputTokens: 300,
      reasoningTokens: 0,
      costUsd: 0.01,
      durationMs: 2000,
    };
    const plain = message('assistant', 'Done.');
    const withUsage = { ...plain, usage };
    const height = (entry: TimelineMessage, afterPrompt: number | null) =>
      estimateRowHeight({ kind: 'message', key: entry.id, entry, afterPrompt }, 1000, false);
    expect(height(withUsage, null)).toBeGreaterThan(height(plain, null) + 10);
    expect(height(withUsage, 500)).toBeGreaterThan(height(withUsage, null) + 10);
    expect(height(plain, 500)).toBe(height(plain, null));
  });

  it('gives an opened tool call more room than a closed one', () => {
    const call = {
      kind: 'activity' as const,
      id: 'a',
      sessionId: 's',
      turnId: 't',
      activityKind: 'tool_call' as const,
      data: {},
      createdAt: 0,
    };
    const row = { kind: 'tool' as const, key: 'a', call, result: null, status: 'running' as const };
    expect(estimateRowHeight(row, 1000, true)).toBeGreaterThan(estimateRowHeight(row, 1000, false));
  });
});
