// The event bridge with hand-built Agents SDK events: the paths the fake server does not produce
// (reasoning or text that arrives whole, summed token details, hosted tool items).
import {
  Agent,
  RunItemStreamEvent,
  RunMessageOutputItem,
  RunRawModelStreamEvent,
  RunReasoningItem,
  RunToolCallItem,
  RunToolCallOutputItem,
} from '@openai/agents';
import { describe, expect, it } from 'vitest';
import type { AgentOutgoing } from '../../../agents/protocol';
import { Context } from '../../../agents/sdk/context';
import { StreamBridge } from '../../../agents/sdk/openai-bridge';

const agent = new Agent({ name: 'test' });

function setup() {
  const sent: AgentOutgoing[] = [];
  const ctx = new Context({
    instanceId: 'i1',
    environment: { agentKey: 'a', workspaceDir: '/w', peers: [], fields: {} },
    history: [],
    emit: (m) => sent.push(m),
    setState: () => undefined,
  });
  return { sent, bridge: new StreamBridge(ctx, 'gpt-4o') };
}

const raw = (data: ConstructorParameters<typeof RunRawModelStreamEvent>[0]) =>
  new RunRawModelStreamEvent(data);
const started = (model?: string) =>
  raw({ type: 'response_started', providerData: model ? { model } : undefined });
const delta = (text: string) => raw({ type: 'output_text_delta', delta: text });
const done = () =>
  raw({
    type: 'response_done',
    response: {
      id: 'r1',
      output: [],
      usage: {
        inputTokens: 30,
        outputTokens: 9,
        totalTokens: 39,
        inputTokensDetails: [{ cached_tokens: 4 }, { cached_tokens: 6 }],
        outputTokensDetails: { reasoning_tokens: 3 },
      },
    },
  });

describe('StreamBridge', () => {
  it('sends a reasoning item that did not stream as one thinking activity', () => {
    const { sent, bridge } = setup();
    bridge.handle(started());
    bridge.handle(done());
    const item = new RunReasoningItem(
      { type: 'reasoning', content: [], rawContent: [{ type: 'reasoning_text', text: 'Because.' }] },
      agent,
    );
    bridge.handle(new RunItemStreamEvent('reasoning_item_created', item));
    expect(sent.filter((m) => m.type === 'activity')).toMatchObject([
      { kind: 'thinking', data: { text: 'Because.' }, isDelta: false },
    ]);
  });

  it('sends assistant text that did not stream as a message', () => {
    const { sent, bridge } = setup();
    bridge.handle(started());
    bridge.handle(done());
    const item = new RunMessageOutputItem(
      {
        type: 'message',
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text: 'Whole reply.' }],
      },
      agent,
    );
    bridge.handle(new RunItemStreamEvent('message_output_created', item));
    expect(sent.filter((m) => m.type === 'message')).toMatchObject([
      { content: 'Whole reply.', isDelta: true },
    ]);
    expect(bridge.text).toBe('Whole reply.');
  });

  it('does not repeat streamed text when the message item arrives', () => {
    const { sent, bridge } = setup();
    bridge.handle(started());
    bridge.handle(delta('Hi'));
    bridge.handle(done());
    const item = new RunMessageOutputItem(
      {
        type: 'message',
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text: 'Hi' }],
      },
      agent,
    );
    bridge.handle(new RunItemStreamEvent('message_output_created', item));
    expect(sent.filter((m) => m.type === 'message')).toHaveLength(1);
  });

  it('starts a new message after reasoning that follows text', () => {
    const { sent, bridge } = setup();
    bridge.handle(started());
    bridge.handle(delta('First.'));
    bridge.handle(
      raw({
        type: 'model',
        event: {
          type: 'response.reasoning_summary_text.delta',
          item_id: 'rs_1',
          summary_index: 0,
          delta: 'Hmm',
        },
      }),
    );
    bridge.handle(
      raw({
        type: 'model',
        event: {
          type: 'response.reasoning_summary_text.delta',
          item_id: 'rs_1',
          summary_index: 1,
          delta: 'More',
        },
      }),
    );
    bridge.handle(delta('Second.'));
    const ids = sent.flatMap((m) => (m.type === 'message' ? [m.messageId] : []));
    expect(new Set(ids).size).toBe(2);
    const thinking = sent.flatMap((m) => (m.type === 'activity' ? [m.data.text] : []));
    expect(thinking).toEqual(['Hmm', '\n\nMore']);
  });

  it('reports usage per model call, summing token details and naming the model the provider used', () => {
    const { sent, bridge } = setup();
    bridge.handle(started('gpt-4o-2024-08-06'));
    bridge.handle(done());
    expect(sent.filter((m) => m.type === 'usage')).toEqual([
      expect.objectContaining({
        model: 'gpt-4o-2024-08-06',
        requests: 1,
        inputTokens: 30,
        cachedInputTokens: 10,
        outputTokens: 9,
        reasoningTokens: 3,
      }),
    ]);
  });

  it('keeps the text of an unfinished model call as partial text', () => {
    const { bridge } = setup();
    bridge.handle(started());
    bridge.handle(delta('Done call.'));
    bridge.handle(done());
    expect(bridge.partialText).toBe('');
    bridge.handle(started());
    bridge.handle(delta('Half'));
    expect(bridge.partialText).toBe('Half');
    expect(bridge.text).toBe('Done call.Half');
  });

  it('bridges hosted tool calls and structured outputs too', () => {
    const { sent, bridge } = setup();
    const call = new RunToolCallItem(
      {
        type: 'hosted_tool_call',
        id: 'ws_1',
        name: 'web_search_call',
        arguments: undefined,
        status: 'completed',
      },
      agent,
    );
    bridge.handle(new RunItemStreamEvent('tool_called', call));
    const output = new RunToolCallOutputItem(
      {
        type: 'function_call_result',
        callId: 'c1',
        name: 'lookup',
        status: 'completed',
        output: { type: 'text', text: 'x' },
      },
      agent,
      { rows: 2 },
    );
    bridge.handle(new RunItemStreamEvent('tool_output', output));
    expect(sent.filter((m) => m.type === 'activity')).toMatchObject([
      { kind: 'tool_call', data: { callId: 'ws_1', tool: 'web_search_call', arguments: '{}' } },
      { kind: 'tool_result', data: { callId: 'c1', tool: 'lookup', output: '{"rows":2}' } },
    ]);
  });
});
