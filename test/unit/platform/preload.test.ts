import { beforeAll, describe, expect, it, vi } from 'vitest';
import { HOST_METHODS } from '../../../electron/api/contract';
import type { HostEvent } from '../../../electron/api/contract';
import { HOST_METHOD_NAMES } from '../../../electron/platform/host-method-names';
import type { DspatchBridge } from '../../../electron/preload';
import { shell } from './electron-shell-double';

vi.mock('electron', async () => (await import('./electron-shell-double')).electronShellModule);

let bridge: DspatchBridge;
let exposeCalls = 0;

beforeAll(async () => {
  await import('../../../electron/preload');
  bridge = shell.exposed.dspatch as DspatchBridge;
  // Recorded here: vitest clears mock calls before each test.
  exposeCalls = shell.contextBridge.exposeInMainWorld.mock.calls.length;
});

describe('preload bridge', () => {
  it('exposes exactly one key, dspatch, once', () => {
    expect(exposeCalls).toBe(1);
    expect(Object.keys(shell.exposed)).toEqual(['dspatch']);
    expect(Object.keys(bridge).sort()).toEqual(['api', 'onEvent']);
  });

  it('keeps its method list equal to the contract', () => {
    expect([...HOST_METHOD_NAMES].sort()).toEqual([...HOST_METHODS].sort());
    expect(new Set(HOST_METHOD_NAMES).size).toBe(HOST_METHOD_NAMES.length);
  });

  it('exposes exactly the HostApi methods, as functions', () => {
    expect(Object.keys(bridge.api).sort()).toEqual([...HOST_METHODS].sort());
    for (const method of HOST_METHODS) expect(typeof bridge.api[method]).toBe('function');
    expect('invoke' in bridge.api).toBe(false);
    expect('invoke' in bridge).toBe(false);
  });

  it('is frozen, api included', () => {
    expect(Object.isFrozen(bridge)).toBe(true);
    expect(Object.isFrozen(bridge.api)).toBe(true);
    expect(() => {
      (bridge.api as Record<string, unknown>)['workspaces.list'] = () => 'hijacked';
    }).toThrow(TypeError);
    expect(() => {
      (bridge as unknown as Record<string, unknown>).invoke = () => undefined;
    }).toThrow(TypeError);
  });

  it('invokes each method on its own channel and returns the envelope', async () => {
    const envelope = { ok: true, result: [] };
    shell.ipcRenderer.invoke.mockResolvedValue(envelope);
    for (const method of HOST_METHODS) {
      shell.ipcRenderer.invoke.mockClear();
      const request = { probe: method };
      await expect(bridge.api[method](request)).resolves.toBe(envelope);
      expect(shell.ipcRenderer.invoke).toHaveBeenCalledTimes(1);
      expect(shell.ipcRenderer.invoke).toHaveBeenCalledWith(method, request);
    }
  });

  it('sends {} when a method is called without a request', async () => {
    shell.ipcRenderer.invoke.mockClear();
    shell.ipcRenderer.invoke.mockResolvedValue({ ok: true, result: {} });
    await bridge.api['app.info']();
    expect(shell.ipcRenderer.invoke).toHaveBeenCalledWith('app.info', {});
  });

  it('relays host events without the IpcRendererEvent, and unsubscribes', () => {
    const listener = vi.fn();
    const unsubscribe = bridge.onEvent(listener);
    const event: HostEvent = { type: 'workspaces.changed' };
    const ipcEvent = { sender: { secret: 'ipcRenderer' }, ports: [] };
    shell.ipcRenderer.emit('host:event', ipcEvent, event);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener.mock.calls[0]).toEqual([event]);

    unsubscribe();
    unsubscribe(); // idempotent
    shell.ipcRenderer.emit('host:event', ipcEvent, event);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(shell.ipcRenderer.listenerCount('host:event')).toBe(0);
  });

  it('rejects a non-function listener', () => {
    expect(() => bridge.onEvent('nope' as unknown as (event: HostEvent) => void)).toThrow(TypeError);
  });
});
