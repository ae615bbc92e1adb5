// Benchmark child: a bare `@openai/agents` app in its own process, the baseline the dspatch agent
// process is compared with. It keeps the conversation (each run's history is the next run's input)
// and has the openai-assistant template's tool, doing the same work: formatting the time in a time zone
// loads ICU's zone and locale data, about 7 MB of RSS that belongs to the tool, not to the SDK or to
// dspatch. Over IPC it takes `{prompt}` and answers `{type: 'first-delta'}` as soon as the first text
// delta arrives and `{type: 'done', text}` at the end.
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
      description: 'The current date and time, in UTC or in the given IANA time zone.',
      parameters: {
        type: 'object',
        properties: { timezone: { type: 'string', description: 'An IANA time zone such as "Europe/Berlin". Default: UTC.' } },
        required: [],
        additionalProperties: true,
      },
      strict: false,
      execute: (input) => {
        const requested = (input as { timezone?: unknown }).timezone;
        const timeZone = typeof requested === 'string' && requested.trim() ? requested.trim() : 'UTC';
        const now = new Date();
        try {
          const local = new Intl.DateTimeFormat('en-GB', { timeZone, dateStyle: 'full', timeStyle: 'long' }).format(now);
          return `${local} (${timeZone}); ISO ${now.toISOString()}`;
        } catch {
          return `Unknown time zone "${timeZone}". In UTC it is ${now.toISOString()}.`;
        }
      },
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
