// The agent process's line to the host: Electron's `process.parentPort` in a utility process,
// Node's IPC channel (`process.send`) in a forked child. Outgoing messages are stamped with the
// per-process seq. Text deltas are coalesced: the first delta of a message goes at once (the user
// sees the reply start without delay), and so does a delta after a quiet spell (a model trickling
// tokens gains nothing from waiting); deltas that come in a burst are merged and sent once a frame,
// so a fast token stream costs a few IPC messages, not one per token. Any other message first sends
// the deltas before it, so the host sees everything in the order it was sent.
import { PROTOCOL_LIMITS, type AgentOutgoing, type AgentToHost } from '../protocol';

/**
 * How long merged deltas may wait: one display frame, so a reader sees no difference, while a fast
 * stream costs one IPC message (and one host write) a frame instead of one every few tokens.
 */
export const DELTA_BATCH_MS = 16;
/** A delta this long after the last message sent goes at once: the stream is not bursting. */
export const DELTA_QUIET_MS = 4;

interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

export interface HostPort {
  /** Takes ownership of `message`: a text delta may be merged into later ones before it is sent. */
  send(message: AgentOutgoing): void;
  onMessage(listener: (raw: unknown) => void): void;
}

type MessageOut = Extract<AgentOutgoing, { type: 'message' }>;

export function openHostPort(): HostPort {
  const parentPort = (process as { parentPort?: ParentPortLike }).parentPort;
  if (parentPort) {
    return createBatchingPort((message) => parentPort.postMessage(message), (listener) =>
      parentPort.on('message', (event) => listener(event.data)),
    );
  }
  if (typeof process.send === 'function') {
    return createBatchingPort(
      (message) => {
        // The channel closes when the host is gone; there is nobody left to tell.
        if (process.connected) process.send!(message);
      },
      (listener) => process.on('message', listener),
    );
  }
  throw new Error('dspatch agents run inside the dspatch host: no parent port or IPC channel found.');
}

export function createBatchingPort(post: (message: AgentToHost) => void, subscribe: HostPort['onMessage']): HostPort {
  let seq = 0;
  /** Deltas of one message merged in place, not sent yet. */
  let pending: MessageOut | null = null;
  let pendingSince = 0;
  let timer: NodeJS.Timeout | null = null;
  /** The last delta sent or pending: a delta to another message is the first of its message. */
  let lastDelta: MessageOut | null = null;
  let lastPostAt = -Infinity;

  const stamp = (message: AgentOutgoing) => {
    lastPostAt = performance.now();
    post({ ...message, seq: ++seq } as AgentToHost);
  };
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!pending) return;
    const message = pending;
    pending = null;
    stamp(message);
  };
  return {
    send(message) {
      if (message.type !== 'message' || !message.isDelta) {
        flush();
        stamp(message);
        return;
      }
      if (pending && sameMessage(pending, message) && pending.content.length + message.content.length <= PROTOCOL_LIMITS.text) {
        pending.content += message.content;
        // A stream parsed in one long run of microtasks starves timers: the clock bounds the wait too.
        if (performance.now() - pendingSince >= DELTA_BATCH_MS) flush();
        return;
      }
      flush();
      const first = !lastDelta || !sameMessage(lastDelta, message);
      lastDelta = message;
      const now = performance.now();
      if (first || now - lastPostAt >= DELTA_QUIET_MS) {
        stamp(message);
        return;
      }
      pending = message;
      pendingSince = now;
      timer = setTimeout(flush, DELTA_BATCH_MS);
    },
    onMessage: subscribe,
  };
}

function sameMessage(a: MessageOut, b: MessageOut): boolean {
  return a.messageId === b.messageId && a.instanceId === b.instanceId && a.turnId === b.turnId && a.role === b.role;
}
