// Providers from Settings → Providers under the real host: a keyless Chat Completions provider saved
// in Settings and named by a workspace's agent, against the fixture server; Test connection (the
// server's models, a server without /models, a refused connection); the hint a 404 from /responses
// gives; and `dspatch providers` with its bad input.
import { createServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { TimelineActivity } from '../../electron/api/types';
import { dspatch } from '../helpers/cli';
import { useFakeOpenAI } from '../helpers/fake-model';
import { addWorkspace, cleanupHarness, confirmLaunch, scratchDir, sendAndWait, startHost, type TestHost } from '../helpers/host-harness';

const fake = useFakeOpenAI();
afterEach(cleanupHarness);

function agentYaml(provider: string, extra: string[] = []): string {
  return ['name: settings-provider-ws', 'agents:', '  assistant:', '    template: openai-assistant', `    provider: ${provider}`, ...extra, ''].join('\n');
}

type ChatBody = { model?: string };

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function errorsOf(t: TestHost, sessionId: string): Promise<string[]> {
  const { entries } = await t.host.call('sessions.open', { sessionId });
  return entries
    .filter((entry): entry is TimelineActivity => entry.kind === 'activity' && entry.activityKind === 'error')
    .map((entry) => String(entry.data.message));
}

async function launch(t: TestHost, yaml: string): Promise<string> {
  const { id: workspaceId } = await addWorkspace(t, yaml);
  await confirmLaunch(t, workspaceId);
  const { sessions } = await t.host.call('workspaces.launch', { workspaceId });
  return sessions[0].id;
}

describe('a provider from Settings', () => {
  it('runs a workspace agent on a keyless chat provider saved in Settings, with its default model, asking for no key', async () => {
    fake.script({ text: 'From settings.' });
    const t = await startHost();
    await t.host.call('providers.save', { name: 'local', baseUrl: fake.baseURL, api: 'chat', apiKey: 'none', defaultModel: 'llama-settings' });
    expect((await t.host.call('providers.list', {})).map((p) => [p.name, p.builtIn])).toEqual([
      ['openai', true],
      ['local', false],
    ]);

    const validation = await t.host.call('workspaces.validate', { yaml: agentYaml('local') });
    expect(validation.problems).toEqual([]);
    expect(validation.requiredSecrets).toEqual([]);
    const sessionId = await launch(t, agentYaml('local'));
    expect((await sendAndWait(t, sessionId, 'hello')).reply).toBe('From settings.');
    expect(fake.requests.map((r) => [r.endpoint, (r.body as ChatBody).model, r.headers.authorization])).toEqual([
      ['chat.completions', 'llama-settings', 'Bearer none'],
    ]);
  });

  it('refuses a workspace naming a provider that neither it nor Settings has, listing both', async () => {
    const t = await startHost();
    await t.host.call('providers.save', { name: 'local', baseUrl: fake.baseURL, api: 'chat', apiKey: 'none' });
    const { problems } = await t.host.call('workspaces.validate', { yaml: agentYaml('remote') });
    expect(problems.map((p) => p.message)).toEqual([
      'dspatch.workspace.yml:5 agents.assistant.provider: unknown provider "remote"; providers in Settings → Providers: openai, local; declare it under "providers:" at the top of the file or add it in Settings → Providers',
    ]);
  });

  it('a 404 from /responses tells the user to set the API style to chat', async () => {
    const t = await startHost();
    // The fixture answers 404 on any path it does not serve, like a server without the Responses API.
    const baseUrl = `${new URL(fake.baseURL).origin}/chat-only/v1`;
    await t.host.call('providers.save', { name: 'chatonly', baseUrl, api: 'responses', apiKey: 'none', defaultModel: 'llama-test' });
    const sessionId = await launch(t, agentYaml('chatonly'));
    await sendAndWait(t, sessionId, 'hello');
    expect(await errorsOf(t, sessionId)).toEqual([
      `${baseUrl}/responses answered 404: the server has no Responses API. If it serves Chat Completions (as Ollama, vLLM and LM Studio do), set the provider's API style to "chat" (api: chat).`,
    ]);
  });

  it('a refused connection names the URL the agent tried', async () => {
    const t = await startHost();
    const baseUrl = `http://127.0.0.1:${await closedPort()}/v1`;
    await t.host.call('providers.save', { name: 'down', baseUrl, api: 'chat', apiKey: 'none', defaultModel: 'llama-test' });
    const sessionId = await launch(t, agentYaml('down'));
    await sendAndWait(t, sessionId, 'hello');
    expect(await errorsOf(t, sessionId)).toEqual([
      `Could not connect to ${baseUrl}/chat/completions after 2 retries: the connection was refused. Check that the server is running and that the provider's base URL is right.`,
    ]);
  });
});

describe('providers.test', () => {
  it("lists the server's models, sorted, sending the provider's saved key", async () => {
    const t = await startHost();
    await t.host.call('apiKeys.set', { name: 'Local', value: 'sk-local-0123456789abcdef' });
    fake.setModels(['qwen3', 'llama3.2', 'gpt-oss:20b']);
    await t.host.call('providers.save', { name: 'local', baseUrl: `${fake.baseURL}/`, api: 'chat', apiKey: '{{apikey:Local}}' });
    expect(await t.host.call('providers.test', { name: 'LOCAL' })).toEqual({ ok: true, models: ['gpt-oss:20b', 'llama3.2', 'qwen3'] });
    // Then an empty request to its API: refused (400) without a model call, so the API is there.
    expect(fake.requests.map((r) => [r.method, r.path, r.headers.authorization])).toEqual([
      ['GET', '/v1/models', 'Bearer sk-local-0123456789abcdef'],
      ['POST', '/v1/chat/completions', 'Bearer sk-local-0123456789abcdef'],
    ]);
    expect(fake.pendingTurns).toBe(0);
  });

  it('a responses provider whose server has the Responses API passes; one without it is told to use chat', async () => {
    const t = await startHost();
    await t.host.call('providers.save', { name: 'full', baseUrl: fake.baseURL, api: 'responses', apiKey: 'none' });
    expect(await t.host.call('providers.test', { name: 'full' })).toEqual({ ok: true, models: ['gpt-4o', 'gpt-4o-mini', 'o4-mini'] });
    const baseUrl = `${new URL(fake.baseURL).origin}/chat-only/v1`;
    await t.host.call('providers.save', { name: 'chatonly', baseUrl, api: 'responses', apiKey: 'none' });
    expect(await t.host.call('providers.test', { name: 'chatonly' })).toEqual({
      ok: false,
      message: `${baseUrl}/responses answered 404: the server has no Responses API. If it serves Chat Completions (as Ollama, vLLM and LM Studio do), set the provider's API style to "chat" (api: chat).`,
    });
  });

  it('a base URL without the API under it is said to be wrong', async () => {
    const t = await startHost();
    const { origin } = new URL(fake.baseURL);
    await t.host.call('providers.save', { name: 'nov1', baseUrl: origin, api: 'chat', apiKey: 'none' });
    expect(await t.host.call('providers.test', { name: 'nov1' })).toEqual({
      ok: false,
      message: `${origin}/chat/completions answered 404: there is no Chat Completions API there. Check the provider's base URL (it usually ends in /v1).`,
    });
  });

  it('a server that answers without /models is connected, with no models', async () => {
    const t = await startHost();
    fake.setModels(null);
    await t.host.call('providers.save', { name: 'local', baseUrl: fake.baseURL, api: 'chat', apiKey: 'none' });
    expect(await t.host.call('providers.test', { name: 'local' })).toEqual({ ok: true, models: [] });
    expect(fake.requests.map((r) => [r.path, r.headers.authorization])).toEqual([
      ['/v1/models', undefined],
      ['/v1/chat/completions', undefined],
    ]);
  });

  it('a refused connection names the URL it tried, in the words a turn uses', async () => {
    const t = await startHost();
    const baseUrl = `http://127.0.0.1:${await closedPort()}/v1`;
    await t.host.call('providers.save', { name: 'down', baseUrl, api: 'chat', apiKey: 'none' });
    expect(await t.host.call('providers.test', { name: 'down' })).toEqual({
      ok: false,
      message: `Could not connect to ${baseUrl}/models: the connection was refused. Check that the server is running and that the provider's base URL is right.`,
    });
  });

  it('an unknown provider is not found', async () => {
    const t = await startHost();
    await expect(t.host.call('providers.test', { name: 'nope' })).rejects.toMatchObject({ code: 'not_found', message: 'There is no provider named "nope". Providers: openai.' });
  });
});

describe('dspatch providers', () => {
  it('adds, lists, tests and removes a provider', async () => {
    const dataDir = scratchDir('dspatch-it-providers-cli-');
    const add = await dspatch(['providers', 'add', 'local', '--base-url', fake.baseURL, '--api', 'chat', '--api-key', 'none', '--model', 'llama3.2', '--data-dir', dataDir]);
    expect(add, add.stderr).toMatchObject({ code: 0, stdout: `Saved provider local: ${fake.baseURL}, api chat, no key. Agents use it with provider: local\n` });

    const list = await dspatch(['providers', 'list', '--data-dir', dataDir]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toBe(
      [`openai  https://api.openai.com/v1  api responses  the agent's OPENAI_API_KEY  (built in)`, `local  ${fake.baseURL}  api chat  no key  model llama3.2`, ''].join('\n'),
    );
    const json = await dspatch(['providers', 'list', '--json', '--data-dir', dataDir]);
    expect(JSON.parse(json.stdout)).toEqual([
      { name: 'openai', baseUrl: 'https://api.openai.com/v1', api: 'responses', apiKey: null, defaultModel: null, builtIn: true },
      { name: 'local', baseUrl: fake.baseURL, api: 'chat', apiKey: 'none', defaultModel: 'llama3.2', builtIn: false },
    ]);

    const test = await dspatch(['providers', 'test', 'local', '--data-dir', dataDir]);
    expect(test, test.stderr).toMatchObject({ code: 0, stdout: 'local answered with 3 models:\ngpt-4o\ngpt-4o-mini\no4-mini\n' });

    const remove = await dspatch(['providers', 'remove', 'local', '--data-dir', dataDir]);
    expect(remove).toMatchObject({ code: 0, stdout: 'Removed provider local.\n' });
    const again = await dspatch(['providers', 'remove', 'local', '--data-dir', dataDir]);
    expect(again).toMatchObject({ code: 1, stderr: 'dspatch: There is no provider named "local". Providers: openai.\n' });
  });

  it('a failed test exits 1 with the reason', async () => {
    const dataDir = scratchDir('dspatch-it-providers-cli-');
    const baseUrl = `http://127.0.0.1:${await closedPort()}/v1`;
    expect((await dspatch(['providers', 'add', 'down', '--base-url', baseUrl, '--data-dir', dataDir])).code).toBe(0);
    const test = await dspatch(['providers', 'test', 'down', '--data-dir', dataDir]);
    expect(test).toMatchObject({
      code: 1,
      stdout: '',
      stderr: `dspatch: Could not connect to ${baseUrl}/models: the connection was refused. Check that the server is running and that the provider's base URL is right.\n`,
    });
  });

  it('refuses bad input with exit 64 and one line', async () => {
    const dataDir = scratchDir('dspatch-it-providers-cli-');
    const cases: [string[], string][] = [
      [['providers', 'add', 'local'], 'dspatch: dspatch providers add needs --base-url URL, such as http://127.0.0.1:11434/v1\n'],
      [['providers', 'add', 'local', '--base-url', 'ftp://x/v1'], 'dspatch: --base-url must be an http:// or https:// URL, such as http://127.0.0.1:11434/v1, not "ftp://x/v1".\n'],
      [['providers', 'add', 'local', '--base-url', 'http://x/v1', '--api', 'grpc'], 'dspatch: --api must be "responses" or "chat", not "grpc".\n'],
      [['providers', 'add', 'local', '--base-url', 'http://x/v1', '--api-key', 'sk-abc def'], 'dspatch: --api-key must be "none" or the name of a saved API key (letters, digits, "_", "." and "-"), not "sk-abc def".\n'],
      [['providers', 'add', '_bad', '--base-url', 'http://x/v1'], 'dspatch: Provider name "_bad" must start with a letter or digit and use only letters, digits, "_", "." and "-" (64 at most).\n'],
      [['providers', 'remove'], 'dspatch: dspatch providers remove needs one provider NAME: dspatch providers list | add NAME --base-url URL [--api chat|responses] [--api-key none|KEY] [--model M] | remove NAME | test NAME\n'],
      [['providers', 'frobnicate'], 'dspatch: dspatch providers list | add NAME --base-url URL [--api chat|responses] [--api-key none|KEY] [--model M] | remove NAME | test NAME\n'],
    ];
    cases.push([['providers', 'remove', 'openai'], 'dspatch: "openai" is built in and cannot be removed; edit it instead.\n']);
    for (const [args, stderr] of cases) {
      const result = await dspatch([...args, '--data-dir', dataDir]);
      expect(result, args.join(' ')).toMatchObject({ code: 64, stdout: '', stderr });
    }
  });
});
