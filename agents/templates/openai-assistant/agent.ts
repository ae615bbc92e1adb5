// The openai-assistant template: d:spatch's OpenAiAgentContext example, plus one harmless tool so a
// tool call and its result show up in the timeline.
// `tool` from 'dspatch' is @openai/agents' own, plus: a tool that throws shows as failed in the app.
import { DspatchEngine, OpenAiAgentContext, tool } from 'dspatch';

const getCurrentTime = tool({
  name: 'get_current_time',
  description: 'The current date and time, in UTC or in the given IANA time zone.',
  parameters: {
    type: 'object',
    properties: {
      timezone: { type: 'string', description: 'An IANA time zone such as "Europe/Berlin". Default: UTC.' },
    },
    required: [],
    additionalProperties: true,
  },
  strict: false,
  execute: (input) => {
    const requested = (input as { timezone?: unknown }).timezone;
    const timeZone = typeof requested === 'string' && requested.trim() ? requested.trim() : 'UTC';
    const now = new Date();
    try {
      const local = new Intl.DateTimeFormat('en-GB', {
        timeZone,
        dateStyle: 'full',
        timeStyle: 'long',
      }).format(now);
      return `${local} (${timeZone}); ISO ${now.toISOString()}`;
    } catch {
      return `Unknown time zone "${timeZone}". In UTC it is ${now.toISOString()}.`;
    }
  },
});

const dspatch = new DspatchEngine();

dspatch.agent(OpenAiAgentContext, async function* (prompt, ctx) {
  // The system prompt and the authority come from the template fields `system_prompt` and
  // `authority` (dspatch.agent.yml), which a workspace can override. Pass them here to hard-code them.
  // The model is the workspace's (`model:`), else gpt-4o; `options: { model }` here would fix it.
  ctx.setup({ tools: [getCurrentTime] });
  await using _agent = await ctx.enter();
  while (true) {
    try {
      await ctx.run(prompt);
    } catch (error) {
      // run() has already shown the error to the user (and logged it: this line is not logged twice).
      ctx.log(`Error: ${error instanceof Error ? error.message : String(error)}`, 'error');
    }
    prompt = yield;
  }
});

dspatch.run();
