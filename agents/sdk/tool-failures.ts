// Which tool calls failed, for the stream bridge to mark their results `isError`. Kept apart from
// tool.ts so that agents that never use @openai/agents (echo) do not bundle and load it.

/** The text @openai/agents gives the model when a tool made with its own `tool()` throws. */
export const DEFAULT_TOOL_ERROR = 'An error occurred while running the tool. Please try again.';

const failedCalls = new Set<string>();

export function markToolFailure(callId: string): void {
  failedCalls.add(callId);
}

/** Whether the call with this id failed (a thrown tool); forgets it once asked. */
export function takeToolFailure(callId: string): boolean {
  return failedCalls.delete(callId);
}
