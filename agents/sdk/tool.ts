// `tool()` as agents should import it from 'dspatch': @openai/agents' own, plus a record of which
// calls failed. The Agents SDK turns a thrown tool into a text for the model, so without this the app
// could not tell a failure from an answer; the stream bridge marks such results `isError`.
import { tool as agentsTool } from '@openai/agents';
import { markToolFailure } from './tool-failures';

type ToolOptions = Parameters<typeof agentsTool>[0];

export function tool(options: ToolOptions): ReturnType<typeof agentsTool> {
  const onError = options.errorFunction;
  return agentsTool({
    ...options,
    errorFunction: (context, error, details) => {
      const callId = details?.toolCall?.callId;
      if (callId) markToolFailure(callId);
      if (onError) return onError(context, error, details);
      // Unlike the default, the model learns what went wrong, so it can fix its arguments or explain.
      return `The tool failed: ${error instanceof Error ? error.message : String(error)}`;
    },
  } as ToolOptions);
}
