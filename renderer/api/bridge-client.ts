// Desktop transport: the typed preload bridge. It cannot drop, so it has no connection events.
import type { HostClient, HostMethod, HostRequest, HostResponses } from '../../electron/api/contract';
import type { BridgeResult, DspatchBridge } from './bridge-types';
import { HostCallError } from './host-call-error';

export function createBridgeClient(bridge: DspatchBridge): HostClient {
  return {
    async call<M extends HostMethod>(method: M, request: HostRequest<M>): Promise<HostResponses[M]> {
      // Indexing a mapped type with a generic key loses the pairing; the table is keyed by method.
      const fn = bridge.api[method] as unknown as
        ((request: HostRequest<M>) => Promise<BridgeResult>) | undefined;
      if (typeof fn !== 'function') {
        throw new HostCallError('internal', `This version of the app does not support '${method}'.`);
      }
      const reply = await fn(request);
      if (!reply.ok) throw HostCallError.fromPayload(reply.error);
      // The host validated and produced the result for exactly this method.
      return reply.result as HostResponses[M];
    },
    onEvent(listener) {
      return bridge.onEvent(listener);
    },
  };
}
