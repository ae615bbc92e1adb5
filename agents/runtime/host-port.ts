// The agent process's line to the host: Electron's `process.parentPort` in a utility process,
// Node's IPC channel (`process.send`) in a forked child. Outgoing messages get the per-process seq.
import type { AgentOutgoing, AgentToHost } from '../protocol';

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
  let seq = 0;
  const stamp = (message: AgentOutgoing): AgentToHost => ({ ...message, seq: ++seq }) as AgentToHost;

  if (parentPort) {
    return {
      send: (message) => parentPort.postMessage(stamp(message)),
      onMessage: (listener) => parentPort.on('message', (event) => listener(event.data)),
    };
  }
  if (typeof process.send === 'function') {
    return {
      send: (message) => {
        // The channel closes when the host is gone; there is nobody left to tell.
        if (process.connected) process.send!(stamp(message));
      },
      onMessage: (listener) => process.on('message', listener),
    };
  }
  throw new Error('dspatch agents run inside the dspatch host: no parent port or IPC channel found.');
}
