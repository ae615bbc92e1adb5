import type { AgentInputItem } from '@openai/agents';
import { describe, expect, it } from 'vitest';
import {
  assistantItem,
  chatMessagesToItems,
  pairToolCalls,
  userItem,
  withSender,
} from '../../../agents/sdk/openai-history';

describe('chatMessagesToItems', () => {
  it('converts chat-format history into agent input items', () => {
    const items = chatMessagesToItems([
      { role: 'system', content: 'old system prompt' },
      { role: 'user', content: 'What time is it?' },
      {
        role: 'assistant',
        content: 'Let me check.',
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'get_current_time', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '12:00 UTC' },
      { role: 'assistant', content: 'It is noon.' },
      { role: 'user', content: 'Review this', name: 'coder' },
    ]);
    expect(items).toEqual([
      userItem('What time is it?'),
      assistantItem('Let me check.'),
      {
        type: 'function_call',
        callId: 'call_1',
        name: 'get_current_time',
        arguments: '{}',
        status: 'completed',
      },
      {
        type: 'function_call_result',
        callId: 'call_1',
        name: 'get_current_time',
        status: 'completed',
        output: '12:00 UTC',
      },
      assistantItem('It is noon.'),
      userItem('[Message from agent "coder"]\nReview this'),
    ]);
  });

  it('drops tool calls whose result never came, and orphaned results', () => {
    const items = chatMessagesToItems([
      { role: 'user', content: 'hi' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_x', type: 'function', function: { name: 't', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 'call_other', content: 'stray' },
    ]);
    expect(items).toEqual([userItem('hi')]);
  });
});

describe('pairToolCalls', () => {
  it('keeps complete pairs and everything else', () => {
    const items: AgentInputItem[] = [
      userItem('go'),
      { type: 'function_call', callId: 'a', name: 't', arguments: '{}' },
      { type: 'function_call_result', callId: 'a', name: 't', status: 'completed', output: 'ok' },
      { type: 'function_call', callId: 'b', name: 't', arguments: '{}' },
      assistantItem('partial', 'incomplete'),
    ];
    expect(pairToolCalls(items)).toEqual([items[0], items[1], items[2], items[4]]);
  });
});

describe('withSender', () => {
  it('marks messages from peers only', () => {
    expect(withSender('hi', undefined)).toBe('hi');
    expect(withSender('hi', 'coder')).toBe('[Message from agent "coder"]\nhi');
  });
});
