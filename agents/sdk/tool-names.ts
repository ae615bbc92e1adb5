// Names of the platform tools the model sees. Shared by the tools themselves and by the system prompt,
// which must name exactly the tools the agent has.

export const SEND_INQUIRY_TOOL = 'send_inquiry';

/** OpenAI accepts tool names of up to 64 characters from [A-Za-z0-9_-]; we keep to [A-Za-z0-9_]. */
const MAX_TOOL_NAME = 64;

export function sanitizeToolName(name: string): string {
  const clean = name.replace(/[^A-Za-z0-9_]/g, '_');
  return clean.slice(0, MAX_TOOL_NAME);
}

export interface PeerTool {
  /** The peer's agent key, as `ctx.talkTo` expects it. */
  peer: string;
  /** `talk_to_<peer>`, sanitized and unique among the peers. */
  toolName: string;
}

/**
 * One `talk_to_<peer>` tool per distinct peer. Keys that sanitize to the same name ("data-bot" and
 * "data_bot") get a numeric suffix, so every peer stays reachable.
 */
export function peerTools(peers: readonly string[]): PeerTool[] {
  const used = new Set<string>([SEND_INQUIRY_TOOL]);
  const tools: PeerTool[] = [];
  for (const peer of new Set(peers)) {
    if (peer.length === 0) continue;
    const base = sanitizeToolName(`talk_to_${peer}`);
    let toolName = base;
    for (let n = 2; used.has(toolName); n++) {
      const suffix = `_${n}`;
      toolName = `${base.slice(0, MAX_TOOL_NAME - suffix.length)}${suffix}`;
    }
    used.add(toolName);
    tools.push({ peer, toolName });
  }
  return tools;
}

/** A supervisor's tools for its subordinates' inquiries (interrupt-tools.ts). */
export const RECEIVE_INQUIRY_TOOL = 'receive_incoming_inquiry';
export const REPLY_TO_INQUIRY_TOOL = 'reply_to_inquiry';
export const CONTINUE_WAITING_TOOL = 'continue_waiting_for_agent_response';
