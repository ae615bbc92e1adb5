// The agent process's line to the host: Electron's `process.parentPort` in a utility process,
// Node's IPC channel (`process.send`) in a forked child. Outgoing messages are stamped with the
// per-process seq and sent once per event-loop turn, with runs of text deltas to the same message
// merged into one: a token stream costs one IPC message per turn, not one per token.
import { PROTOCOL_LIMITS, type AgentOutgoing, type AgentToHost } from '../protocol';

interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

export interface HostPort {
  send(message: AgentOutgoing): void;
  onMessage(listener: (raw: unknown) => void): void;
}

export function openHostPort(): HostPort {
  const parentPort = (process as { parentPort?: ParentPortLike }).parentPort;
  if (parentPort) {
    return batching((message) => parentPort.postMessage(message), (listener) =>
      parentPort.on('message', (event) => listener(event.data)),
    );
  }
  if (typeof process.send === 'function') {
    return batching(
      (message) => {
        // The channel closes when the host is gone; there is nobody left to tell.
        if (process.connected) process.send!(message);
      },
      (listener) => process.on('message', listener),
    );
  }
  throw new Error('dspatch agents run inside the dspatch host: no parent port or IPC channel found.');
}

function batching(post: (message: AgentToHost) => void, subscribe: HostPort['onMessage']): HostPort {
  let seq = 0;
  let queue: AgentOutgoing[] = [];
  const flush = () => {
    const pending = queue;
    queue = [];
    for (const message of pending) post({ ...message, seq: ++seq } as AgentToHost);
  };
  return {
    send(message) {
      const last = queue[queue.length - 1];
      if (last && canMerge(last, message)) {
        queue[queue.length - 1] = { ...last, content: last.content + (message as typeof last).content };
        return;
      }
      if (queue.length === 0) setImmediate(flush);
      queue.push(message);
    },
    onMessage: subscribe,
  };
}

function canMerge(a: AgentOutgoing, b: AgentOutgoing): a is Extract<AgentOutgoing, { type: 'message' }> {
  return (
    a.type === 'message' &&
    b.type === 'message' &&
    a.isDelta &&
    b.isDelta &&
    a.messageId === b.messageId &&
    a.instanceId === b.instanceId &&
    a.turnId === b.turnId &&
    a.role === b.role &&
    // The host refuses a message over the bound: a long run of deltas goes as several.
    a.content.length + b.content.length <= PROTOCOL_LIMITS.text
  );
}
