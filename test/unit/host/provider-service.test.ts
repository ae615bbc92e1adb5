// Settings → Providers against a real SQLite store and secret service: the built-in `openai`, saving,
// replacing and removing providers, saved-key references, and the map workspaces resolve against.
import { rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HostError } from '../../../electron/host/errors';
import { ProviderService } from '../../../electron/host/provider-service';
import { Redactor } from '../../../electron/host/redactor';
import { SecretService } from '../../../electron/host/secret-service';
import { FileCipher } from '../../../electron/serve/file-cipher';
import { Store } from '../../../electron/store/store';
import { tempDir } from '../../helpers/paths';

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function setup() {
  const dir = tempDir('dspatch-providers-');
  dirs.push(dir);
  const store = Store.open(dir);
  stores.push(store);
  const secrets = new SecretService(store, new FileCipher(dir), new Redactor());
  let changes = 0;
  const service = new ProviderService(store, secrets, { changed: () => changes++ });
  return { store, secrets, service, changes: () => changes };
}

function hostError(work: () => unknown): HostError {
  try {
    work();
  } catch (error) {
    if (error instanceof HostError) return error;
    throw error;
  }
  throw new Error('expected a HostError');
}

/** A loopback port that was free a moment ago and has nothing listening on it now. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const OPENAI = { name: 'openai', baseUrl: 'https://api.openai.com/v1', api: 'responses', apiKey: null, defaultModel: null, builtIn: true };

describe('the provider repository', () => {
  it('stores, lists by name, finds and replaces ignoring case, and removes', () => {
    const { store } = setup();
    const row = { name: 'Zeta', baseUrl: 'http://z/v1', api: 'chat' as const, apiKey: 'none', defaultModel: null, updatedAt: 1 };
    store.providers.save(row);
    store.providers.save({ ...row, name: 'alpha', apiKey: null, defaultModel: 'm', updatedAt: 2 });
    expect(store.providers.list().map((p) => p.name)).toEqual(['alpha', 'Zeta']);
    expect(store.providers.get('ZETA')).toEqual(row);
    store.providers.save({ ...row, name: 'zeta', baseUrl: 'http://z2/v1', updatedAt: 3 });
    expect(store.providers.list().map((p) => [p.name, p.baseUrl])).toEqual([
      ['alpha', 'http://z/v1'],
      ['zeta', 'http://z2/v1'],
    ]);
    expect(store.providers.remove('ALPHA')).toBe(true);
    expect(store.providers.remove('alpha')).toBe(false);
    expect(store.providers.get('alpha')).toBeNull();
  });
});

describe('ProviderService', () => {
  it('lists the built-in openai without storing it', () => {
    const { store, service } = setup();
    expect(service.list()).toEqual([OPENAI]);
    expect(store.providers.list()).toEqual([]);
    expect(service.settingsProviders()).toEqual(new Map([['openai', { baseUrl: 'https://api.openai.com/v1', api: 'responses' }]]));
  });

  it('saves a provider (trimmed, without a trailing slash), lists it after openai and tells workspaces', () => {
    const { service, changes } = setup();
    const saved = service.save({ name: 'local', baseUrl: ' http://127.0.0.1:11434/v1/ ', api: 'chat', apiKey: 'none', defaultModel: ' llama3.2 ' });
    expect(saved).toEqual({ name: 'local', baseUrl: 'http://127.0.0.1:11434/v1', api: 'chat', apiKey: 'none', defaultModel: 'llama3.2', builtIn: false });
    expect(service.list().map((p) => p.name)).toEqual(['openai', 'local']);
    expect(service.settingsProviders().get('local')).toEqual({ baseUrl: 'http://127.0.0.1:11434/v1', api: 'chat', apiKey: 'none', defaultModel: 'llama3.2' });
    expect(changes()).toBe(1);
    // Saving the same name again replaces it.
    service.save({ name: 'LOCAL', baseUrl: 'http://127.0.0.1:8000/v1', api: 'responses' });
    expect(service.list()).toEqual([OPENAI, { name: 'LOCAL', baseUrl: 'http://127.0.0.1:8000/v1', api: 'responses', apiKey: null, defaultModel: null, builtIn: false }]);
  });

  it('edits the built-in openai but never removes it', () => {
    const { service } = setup();
    service.save({ name: 'OpenAI', baseUrl: 'https://api.openai.com/v1', api: 'responses', defaultModel: 'gpt-4.1' });
    expect(service.list()).toEqual([{ ...OPENAI, defaultModel: 'gpt-4.1' }]);
    const error = hostError(() => service.remove('openai'));
    expect(error.code).toBe('bad_request');
    expect(error.message).toBe('"openai" is built in and cannot be removed; edit it instead.');
    expect(service.list()).toHaveLength(1);
  });

  it('refers to a saved API key by name, and refuses one that is not saved', async () => {
    const { service, secrets } = setup();
    const missing = hostError(() => service.save({ name: 'gw', baseUrl: 'https://gw.example/v1', api: 'responses', apiKey: '{{apikey:Gateway}}' }));
    expect(missing.code).toBe('not_found');
    expect(missing.message).toBe('There is no saved API key named "Gateway". Add it in Settings → API Keys first, or choose another key.');
    await secrets.setApiKey('Gateway', 'sk-gateway-0123456789');
    expect(service.save({ name: 'gw', baseUrl: 'https://gw.example/v1', api: 'responses', apiKey: '{{ apikey : Gateway }}' }).apiKey).toBe('{{apikey:Gateway}}');
  });

  it('removes a provider, and says which there are when the name is unknown', () => {
    const { service } = setup();
    service.save({ name: 'local', baseUrl: 'http://127.0.0.1:11434/v1', api: 'chat', apiKey: 'none' });
    service.remove('local');
    const error = hostError(() => service.remove('local'));
    expect(error.code).toBe('not_found');
    expect(error.message).toBe('There is no provider named "local". Providers: openai.');
  });

  it('answers a test of a server that is not there with the URL it tried', async () => {
    const { service } = setup();
    const port = await closedPort();
    service.save({ name: 'nowhere', baseUrl: `http://127.0.0.1:${port}/v1`, api: 'chat', apiKey: 'none' });
    expect(await service.test('nowhere')).toEqual({
      ok: false,
      message: `Could not connect to http://127.0.0.1:${port}/v1/models: the connection was refused. Check that the server is running and that the provider's base URL is right.`,
    });
  });
});
