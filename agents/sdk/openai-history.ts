// Conversation history as Agents SDK input items: converted from the chat-format history the host
// restores (`ctx.messages`), and repaired before a replay so the model API accepts it. Pure.
import type {
  AgentInputItem,
  AssistantMessageItem,
  FunctionCallItem,
  FunctionCallResultItem,
  UserMessageItem,
} from '@openai/agents';
import type { ChatMessage } from '../protocol';

export function userItem(text: string): UserMessageItem {
  return { type: 'message', role: 'user', content: text };
}

export function assistantItem(
  text: string,
  status: AssistantMessageItem['status'] = 'completed',
): AssistantMessageItem {
  return { type: 'message', role: 'assistant', status, content: [{ type: 'output_text', text }] };
}

/**
 * The host's chat-format history as input items. System messages are dropped (the agent's
 * instructions are the system prompt); a user message from a peer keeps its sender visible.
 */
export function chatMessagesToItems(messages: readonly ChatMessage[]): AgentInputItem[] {
  const items: AgentInputItem[] = [];
  const toolNames = new Map<string, string>();
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        break;
      case 'user':
        items.push(userItem(withSender(message.content ?? '', message.name)));
        break;
      case 'assistant': {
        if (message.content) items.push(assistantItem(message.content));
        for (const call of message.tool_calls ?? []) {
          toolNames.set(call.id, call.function.name);
          const item: FunctionCallItem = {
            type: 'function_call',
            callId: call.id,
            name: call.function.name,
            arguments: call.function.arguments,
            status: 'completed',
          };
          items.push(item);
        }
        break;
      }
      case 'tool': {
        if (!message.tool_call_id) break;
        const item: FunctionCallResultItem = {
          type: 'function_call_result',
          callId: message.tool_call_id,
          name: toolNames.get(message.tool_call_id) ?? message.name ?? 'tool',
          status: 'completed',
          output: message.content ?? '',
        };
        items.push(item);
        break;
      }
    }
  }
  return pairToolCalls(items);
}

/** How a message from another agent reads to the model, so it knows who is talking. */
export function withSender(text: string, sender: string | undefined): string {
  return sender ? `[Message from agent "${sender}"]\n${text}` : text;
}

/**
 * Drops function calls without a result and results without a call: a turn stopped while a tool
 * ran leaves such halves behind, and the model API rejects a history that contains them.
 */
export function pairToolCalls(items: readonly AgentInputItem[]): AgentInputItem[] {
  const calls = new Set<string>();
  const results = new Set<string>();
  for (const item of items) {
    if (item.type === 'function_call') calls.add(item.callId);
    else if (item.type === 'function_call_result') results.add(item.callId);
  }
  return items.filter((item) => {
    if (item.type === 'function_call') return results.has(item.callId);
    if (item.type === 'function_call_result') return calls.has(item.callId);
    return true;
  });
}
