// The shape the Electron preload exposes as `window.dspatch`. Declared here because the renderer
// may only import types from electron/, and the preload is built separately.
import type { HostErrorPayload, HostEvent, HostMethod, HostRequest } from '../../electron/api/contract';

export type BridgeResult = { ok: true; result: unknown } | { ok: false; error: HostErrorPayload };

export interface DspatchBridge {
  api: { [M in HostMethod]: (request: HostRequest<M>) => Promise<BridgeResult> };
  onEvent(listener: (event: HostEvent) => void): () => void;
}

declare global {
  interface Window {
    dspatch?: DspatchBridge;
  }
}
