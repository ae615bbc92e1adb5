// The sandboxed preload: exposes the HostApi as `window.dspatch` and nothing else. One function a method,
// each bound to its own IPC channel (no generic invoke), plus `onEvent`. The IpcRendererEvent never
// reaches page code. Bundled to one CommonJS file (out/preload/preload.cjs) that requires only 'electron'.
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import type { HostErrorPayload, HostEvent, HostMethod } from './api/contract';
import { HOST_METHOD_NAMES } from './platform/host-method-names';

/** Must match HOST_EVENT_CHANNEL in platform/ipc-router.ts (not imported: that module is main-only). */
const HOST_EVENT_CHANNEL = 'host:event';

export type BridgeEnvelope = { ok: true; result: unknown } | { ok: false; error: HostErrorPayload };

export interface DspatchBridge {
  readonly api: { readonly [M in HostMethod]: (request?: unknown) => Promise<BridgeEnvelope> };
  /** Returns an unsubscribe function. */
  onEvent(listener: (event: HostEvent) => void): () => void;
}

function buildApi(): DspatchBridge['api'] {
  const api: Partial<Record<HostMethod, (request?: unknown) => Promise<BridgeEnvelope>>> = {};
  for (const method of HOST_METHOD_NAMES) {
    api[method] = (request?: unknown) => ipcRenderer.invoke(method, request ?? {}) as Promise<BridgeEnvelope>;
  }
  return Object.freeze(api) as DspatchBridge['api'];
}

const bridge: DspatchBridge = Object.freeze({
  api: buildApi(),
  onEvent(listener: (event: HostEvent) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('onEvent expects a function');
    const relay = (_event: IpcRendererEvent, payload: HostEvent) => listener(payload);
    ipcRenderer.on(HOST_EVENT_CHANNEL, relay);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      ipcRenderer.removeListener(HOST_EVENT_CHANNEL, relay);
    };
  },
});

contextBridge.exposeInMainWorld('dspatch', bridge);
