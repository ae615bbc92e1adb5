// Benchmark child: a bare `@openai/agents` app in its own process, the baseline the dspatch agent
// process is compared with. It keeps the conversation (each run's history is the next run's input)
// and has one tool, like the openai-assistant template. Over IPC it takes `{prompt}` and answers
// `{type: 'first-delta'}` as soon as the first text delta arrives and `{type: 'done', text}` at the end.
import { Agent, OpenAIResponsesModel, run, setTracingDisabled, tool, type AgentInputItem } from '@openai/agents';
import OpenAI from 'openai';

setTracingDisabled(true);

const client = new OpenAI({ baseURL: process.env.OPENAI_BASE_URL, apiKey: process.env.OPENAI_API_KEY, maxRetries: 0 });
const agent = new Agent({
  name: 'bench-bare',
  instructions: 'You are a helpful coding assistant.',
  model: new OpenAIResponsesModel(client, 'gpt-4o'),
  tools: [
    tool({
      name: 'get_current_time',
      description: 'The current date and time in UTC.',
      parameters: { type: 'object', properties: {}, required: [], additionalProperties: true },
      strict: false,
      execute: () => new Date().toISOString(),
    }),
  ],
});

let history: AgentInputItem[] = [];
process.on('message', (message: { prompt: string }) => {
  void (async () => {
    const result = await run(agent, [...history, { type: 'message', role: 'user', content: message.prompt }], { stream: true });
    let text = '';
    for await (const event of result) {
      if (event.type === 'raw_model_stream_event' && event.data.type === 'output_text_delta') {
        if (!text) process.send!({ type: 'first-delta' });
        text += event.data.delta;
      }
    }
    await result.completed;
    history = result.history;
    process.send!({ type: 'done', text });
  })();
});
process.on('disconnect', () => process.exit(0));
process.send!({ type: 'ready' });
