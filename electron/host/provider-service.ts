// Settings → Providers: OpenAI-compatible servers (base URL, API style, key) that any workspace's agents
// may name with `provider:`, beside the ones a workspace file declares. `openai` is built in: listed even
// when not stored, editable, never removed. "Test connection" asks the server for its models, then
// checks that it has the API the provider is set to speak (an empty request, refused without a model
// call: a 400 there is the answer wanted, a 404 means the API is not there).
import { noResponsesApiHint, providerEndpoint, unreachableHint } from '../../agents/protocol';
import type { ProviderApi, ProviderInfo, ProviderTestResult } from '../api/types';
import type { ProviderRow } from '../store/provider-repo';
import type { Store } from '../store/store';
import { HostError } from './errors';
import type { SecretService } from './secret-service';
import { findApiKeyPlaceholders, type ProviderConfig, type SettingsProviders } from './workspace-config';

export const BUILT_IN_PROVIDER = 'openai';
const BUILT_IN_DEFAULTS: ProviderInfo = {
  name: BUILT_IN_PROVIDER,
  baseUrl: 'https://api.openai.com/v1',
  api: 'responses',
  apiKey: null,
  defaultModel: null,
  builtIn: true,
};
const TEST_TIMEOUT_MS = 10_000;
/** A list of models is small; a server that sends more is not an OpenAI-compatible /models. */
const MAX_MODELS_BYTES = 4 * 1024 * 1024;

export interface ProviderSave {
  name: string;
  baseUrl: string;
  api: ProviderApi;
  apiKey?: string | null;
  defaultModel?: string | null;
}

export interface ProviderServiceOptions {
  /** Where "Test connection" finds OPENAI_API_KEY for a provider that uses the agent's key (the host's env). */
  env?: Record<string, string | undefined>;
  /** Told after a save or a removal: workspaces that name the provider may have changed. */
  changed?: () => void;
}

export class ProviderService {
  constructor(
    private readonly store: Store,
    private readonly secrets: SecretService,
    private readonly options: ProviderServiceOptions = {},
  ) {}

  /** The built-in `openai` first, then the others by name. */
  list(): ProviderInfo[] {
    const rows = this.store.providers.list();
    const builtIn = rows.find((row) => isBuiltIn(row.name));
    return [builtIn ? toInfo(builtIn) : { ...BUILT_IN_DEFAULTS }, ...rows.filter((row) => !isBuiltIn(row.name)).map(toInfo)];
  }

  get(name: string): ProviderInfo {
    const found = this.list().find((provider) => provider.name.toLowerCase() === name.toLowerCase());
    if (!found) throw new HostError('not_found', `There is no provider named "${name}". ${this.#known()}`);
    return found;
  }

  /** For workspace resolution: every provider by name, in the shape a workspace file's providers have. */
  settingsProviders(): SettingsProviders {
    return new Map(this.list().map((info) => [info.name, toConfig(info)]));
  }

  save(request: ProviderSave): ProviderInfo {
    const name = isBuiltIn(request.name) ? BUILT_IN_PROVIDER : request.name.trim();
    const apiKey = normalizeApiKey(request.apiKey ?? null);
    if (apiKey !== null && apiKey !== 'none') {
      const keyName = findApiKeyPlaceholders(apiKey).names[0];
      if (!this.secrets.listApiKeys().some((key) => key.name === keyName)) {
        throw new HostError('not_found', `There is no saved API key named "${keyName}". Add it in Settings → API Keys first, or choose another key.`);
      }
    }
    const row: ProviderRow = {
      name,
      baseUrl: request.baseUrl.trim().replace(/\/+$/, ''),
      api: request.api,
      apiKey,
      defaultModel: request.defaultModel?.trim() || null,
      updatedAt: Date.now(),
    };
    this.store.providers.save(row);
    this.options.changed?.();
    return toInfo(row);
  }

  remove(name: string): void {
    if (isBuiltIn(name)) {
      throw new HostError('bad_request', `"${BUILT_IN_PROVIDER}" is built in and cannot be removed; edit it instead.`);
    }
    if (!this.store.providers.remove(name)) throw new HostError('not_found', `There is no provider named "${name}". ${this.#known()}`);
    this.options.changed?.();
  }

  /** GET {baseUrl}/models with the provider's key, then an empty POST to its API. */
  async test(name: string): Promise<ProviderTestResult> {
    const provider = this.get(name);
    const key = await this.#keyOf(provider);
    const listed = await this.#models(provider, key);
    if (!listed.ok) return listed;
    const api = await this.#probeApi(provider, key);
    return api ?? listed;
  }

  async #models(provider: ProviderInfo, key: string | null): Promise<ProviderTestResult> {
    const url = providerEndpoint(provider.baseUrl, 'models');
    let response: Response;
    try {
      response = await request(url, key);
    } catch (error) {
      return { ok: false, message: unreachableHint(url, systemCode(error)) };
    }
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      return { ok: false, message: `${url} refused the key (${response.status}). ${keyAdvice(provider, key !== null)}` };
    }
    // The server answered, but lists no models there: the connection is fine, the model is typed by hand.
    if (response.status === 404 || response.status === 405 || response.status === 501) {
      await response.body?.cancel();
      return { ok: true, models: [] };
    }
    if (!response.ok) {
      await response.body?.cancel();
      return { ok: false, message: `${url} answered HTTP ${response.status}. Check the provider's base URL, or try again later.` };
    }
    const models = await readModels(response);
    if (models === null) {
      return { ok: false, message: `${url} answered, but not with an OpenAI-compatible list of models. Check the provider's base URL (it usually ends in /v1).` };
    }
    return { ok: true, models };
  }

  /** A failure when the provider's API is not at its base URL; null when it answered there (even 400). */
  async #probeApi(provider: ProviderInfo, key: string | null): Promise<ProviderTestResult | null> {
    const url = providerEndpoint(provider.baseUrl, provider.api === 'chat' ? 'chat/completions' : 'responses');
    let response: Response;
    try {
      response = await request(url, key, '{}');
    } catch (error) {
      return { ok: false, message: unreachableHint(url, systemCode(error)) };
    }
    await response.body?.cancel();
    if (response.status !== 404) return null;
    if (provider.api === 'responses') return { ok: false, message: noResponsesApiHint(url) };
    return { ok: false, message: `${url} answered 404: there is no Chat Completions API there. Check the provider's base URL (it usually ends in /v1).` };
  }

  /** The key the test sends: none, the saved key, or the host's OPENAI_API_KEY (agents get theirs per workspace). */
  async #keyOf(provider: ProviderInfo): Promise<string | null> {
    if (provider.apiKey === 'none') return null;
    if (provider.apiKey === null) return this.options.env?.OPENAI_API_KEY || null;
    const keyName = findApiKeyPlaceholders(provider.apiKey).names[0];
    const values = await this.secrets.decryptApiKeys(new Set([keyName]));
    const value = values.get(keyName);
    if (value === undefined) {
      throw new HostError('missing_secret', `Provider "${provider.name}" uses the saved API key "${keyName}", which no longer exists. Add it in Settings → API Keys, or edit the provider.`);
    }
    return value;
  }

  #known(): string {
    return `Providers: ${this.list().map((provider) => provider.name).join(', ')}.`;
  }
}

function isBuiltIn(name: string): boolean {
  return name.trim().toLowerCase() === BUILT_IN_PROVIDER;
}

function toInfo(row: ProviderRow): ProviderInfo {
  return { name: row.name, baseUrl: row.baseUrl, api: row.api, apiKey: row.apiKey, defaultModel: row.defaultModel, builtIn: isBuiltIn(row.name) };
}

function toConfig(info: ProviderInfo): ProviderConfig {
  const config: ProviderConfig = { baseUrl: info.baseUrl, api: info.api };
  if (info.apiKey !== null) config.apiKey = info.apiKey;
  if (info.defaultModel !== null) config.defaultModel = info.defaultModel;
  return config;
}

/** `{{ apikey : Name }}` is stored as `{{apikey:Name}}`. */
function normalizeApiKey(value: string | null): string | null {
  const trimmed = value?.trim() ?? '';
  if (trimmed === '') return null;
  if (trimmed === 'none') return 'none';
  const names = findApiKeyPlaceholders(trimmed).names;
  return `{{apikey:${names[0]}}}`;
}

function keyAdvice(provider: ProviderInfo, sentKey: boolean): string {
  if (provider.apiKey === 'none') return 'The provider is set to send no key: choose a saved API key for it.';
  if (provider.apiKey !== null) return `Check the saved API key ${provider.apiKey} in Settings → API Keys.`;
  return sentKey
    ? 'The test sent the OPENAI_API_KEY of the environment dspatch runs in; agents send their workspace’s OPENAI_API_KEY secret.'
    : 'It uses each agent’s OPENAI_API_KEY secret, so the test sent no key: give the provider a saved API key to test it.';
}

/** A GET, or a POST of `body`, to the server: no redirects (the key must not follow one), in bounded time. */
function request(url: string, key: string | null, body?: string): Promise<Response> {
  return fetch(url, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    },
    body,
    signal: AbortSignal.timeout(TEST_TIMEOUT_MS),
    redirect: 'error',
  });
}

/** `{object: 'list', data: [{id}]}` → the ids, sorted; null when the body is something else. */
async function readModels(response: Response): Promise<string[] | null> {
  let body: unknown;
  try {
    const text = await response.text();
    if (text.length > MAX_MODELS_BYTES) return null;
    body = JSON.parse(text);
  } catch {
    return null;
  }
  const data = typeof body === 'object' && body !== null ? (body as { data?: unknown }).data : undefined;
  if (!Array.isArray(data)) return null;
  const ids = data
    .map((model) => (typeof model === 'object' && model !== null ? (model as { id?: unknown }).id : undefined))
    .filter((id): id is string => typeof id === 'string' && id !== '');
  return [...new Set(ids)].sort((a, b) => a.localeCompare(b));
}

/** ECONNREFUSED, ENOTFOUND, TimeoutError, …: from fetch's error or its cause. */
function systemCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const { code, name, cause } = current as { code?: unknown; name?: unknown; cause?: unknown };
    if (typeof code === 'string') return code;
    if (name === 'TimeoutError') return 'TimeoutError';
    current = cause;
  }
  return undefined;
}
