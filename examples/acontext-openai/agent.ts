// The seed's flow (an OpenAI agent with a tool, every message stored in Acontext, then flush, tasks
// and resume) in TypeScript, against dspatch's local Acontext API. Nothing here is dspatch-specific:
// the official client @acontext/acontext is pointed at the app instead of Acontext's cloud.
//
//   ACONTEXT_BASE_URL=http://127.0.0.1:7450/api/v1 ACONTEXT_API_KEY=$(dspatch api-key) \
//   OPENAI_API_KEY=sk-… npx tsx examples/acontext-openai/agent.ts
//
// OPENAI_BASE_URL and OPENAI_MODEL point it at any OpenAI-compatible endpoint.
import { AcontextClient } from '@acontext/acontext';
import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';

const acontext = new AcontextClient({
  apiKey: process.env.ACONTEXT_API_KEY,
  baseUrl: process.env.ACONTEXT_BASE_URL ?? 'http://127.0.0.1:8029/api/v1',
});
const openai = new OpenAI();
const model = process.env.OPENAI_MODEL ?? 'gpt-4o-mini';

const tools: ChatCompletionTool[] = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Returns weather info for the specified city.',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
    },
  },
];

function runTool(name: string, args: string): string {
  if (name !== 'get_weather') return `Unknown tool: ${name}`;
  const { city } = JSON.parse(args) as { city: string };
  return `The weather in ${city} is sunny`;
}

/** Adds a message to the conversation and stores it in Acontext. */
async function append(conversation: ChatCompletionMessageParam[], sessionId: string, message: ChatCompletionMessageParam): Promise<void> {
  conversation.push(message);
  await acontext.sessions.storeMessage(sessionId, message as unknown as Record<string, unknown>, { format: 'openai' });
}

/** One user turn: call the model, run the tools it asks for, until it answers. */
async function turn(conversation: ChatCompletionMessageParam[], sessionId: string, text: string): Promise<string> {
  await append(conversation, sessionId, { role: 'user', content: text });
  for (let i = 0; i < 10; i++) {
    const { choices } = await openai.chat.completions.create({ model, messages: conversation, tools, tool_choice: 'auto' });
    const reply = choices[0].message;
    const calls = (reply.tool_calls ?? []).filter((call) => call.type === 'function');
    if (calls.length === 0) {
      await append(conversation, sessionId, { role: 'assistant', content: reply.content });
      return reply.content ?? '';
    }
    await append(conversation, sessionId, { role: 'assistant', content: reply.content, tool_calls: calls });
    for (const call of calls) {
      await append(conversation, sessionId, { role: 'tool', tool_call_id: call.id, content: runTool(call.function.name, call.function.arguments) });
    }
  }
  return '(no answer after 10 model calls)';
}

const space = await acontext.spaces.create();
const session = await acontext.sessions.create({ spaceId: space.id });
const conversation: ChatCompletionMessageParam[] = [];
console.log(await turn(conversation, session.id, "What's the weather in Helsinki? I prefer short answers."));
console.log(await turn(conversation, session.id, 'And in Tokyo?'));

// Extract the tasks now instead of waiting for the buffer (16 messages or 8 s idle).
await acontext.sessions.flush(session.id);
const tasks = await acontext.sessions.getTasks(session.id);
for (const task of tasks.items) {
  console.log(`Task ${task.order}: ${task.data.task_description} [${task.status}]`);
  for (const progress of task.data.progresses ?? []) console.log(`  progress: ${progress}`);
  for (const preference of task.data.user_preferences ?? []) console.log(`  preference: ${preference}`);
}

// Resume later: the conversation comes back exactly as it was stored, tool calls and results included.
const { items } = await acontext.sessions.getMessages(session.id, { format: 'openai' });
const resumed = items as ChatCompletionMessageParam[];
console.log(await turn(resumed, session.id, 'Summarise our conversation in one line.'));
