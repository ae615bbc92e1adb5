// Providers and field overrides in dspatch.workspace.yml, under the real host: the built-in
// openai-assistant template pointed at the fixture server as a keyless Chat Completions provider, with
// the workspace's model and an overridden system prompt, and the validation of hostile provider entries.
import { afterEach, describe, expect, it } from 'vitest';
import { dspatch } from '../helpers/cli';
import { useFakeOpenAI } from '../helpers/fake-model';
import { addWorkspace, cleanupHarness, confirmLaunch, scratchDir, sendAndWait, startHost, workspaceDir } from '../helpers/host-harness';

const fake = useFakeOpenAI();
afterEach(cleanupHarness);

function providerYaml(extra: string[] = []): string {
  return [
    'name: provider-ws',
    ...extra,
    'providers:',
    '  local:',
    `    base_url: ${fake.baseURL}`,
    '    api: chat',
    '    api_key: none',
    'agents:',
    '  assistant:',
    '    template: openai-assistant',
    '    provider: local',
    '    model: llama-test',
    '    fields:',
    '      system_prompt: You are terse.',
    '',
  ].join('\n');
}

type ChatBody = { model?: string; messages?: { role: string; content: unknown }[] };

/** Chat content is a string or a list of text parts. */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  return Array.isArray(content) ? content.map((part: { text?: string }) => part.text ?? '').join('') : '';
}

describe('a workspace provider', () => {
  it('runs the built-in template on a keyless chat provider with the workspace model and fields, asking for no key', async () => {
    fake.script({ text: 'Hi.' }, { text: 'Again.' });
    const t = await startHost();
    const validation = await t.host.call('workspaces.validate', { yaml: providerYaml() });
    expect(validation.problems).toEqual([]);
    expect(validation.requiredSecrets).toEqual([]);

    const { id: workspaceId } = await addWorkspace(t, providerYaml());
    const detail = await t.host.call('workspaces.get', { workspaceId });
    expect(detail.secrets).toEqual([]);
    await confirmLaunch(t, workspaceId);
    // No secret was set: the launch's missing-secret check must let it through.
    const { sessions } = await t.host.call('workspaces.launch', { workspaceId });
    const sessionId = sessions[0].id;

    expect((await sendAndWait(t, sessionId, 'first')).reply).toBe('Hi.');
    expect((await sendAndWait(t, sessionId, 'second')).reply).toBe('Again.');

    expect(fake.requests.map((r) => [r.endpoint, r.path])).toEqual([
      ['chat.completions', '/v1/chat/completions'],
      ['chat.completions', '/v1/chat/completions'],
    ]);
    const [first, second] = fake.requests.map((r) => r.body as ChatBody);
    expect(first.model).toBe('llama-test');
    const system = String(first.messages?.[0]?.content);
    expect(first.messages?.[0]?.role).toBe('system');
    expect(system).toContain('You are terse.');
    expect(system).not.toContain('You are a helpful coding assistant.');
    // Chat Completions keeps no state: the second call replays the conversation.
    expect(second.messages?.map((m) => [m.role, textOf(m.content)]).slice(1)).toEqual([
      ['user', 'first'],
      ['assistant', 'Hi.'],
      ['user', 'second'],
    ]);
    expect(fake.requests.map((r) => r.headers.authorization)).toEqual(['Bearer none', 'Bearer none']);
  });

  it('`dspatch run` asks for no OPENAI_API_KEY with a keyless provider', async () => {
    fake.script({ text: 'From the terminal.' });
    const dir = workspaceDir(providerYaml());
    const result = await dspatch(['run', dir, '--prompt', 'hi', '--data-dir', scratchDir('dspatch-it-provider-cli-')]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('From the terminal.\n');
    expect(fake.requests.map((r) => [r.endpoint, (r.body as ChatBody).model])).toEqual([['chat.completions', 'llama-test']]);
  });

  it('never sends a workspace OPENAI_API_KEY to a provider declared keyless', async () => {
    const leaked = 'sk-workspace-literal-not-for-local-0123456789';
    fake.script({ text: 'Fine.' });
    const t = await startHost();
    const { id: workspaceId } = await addWorkspace(t, providerYaml(['env:', `  OPENAI_API_KEY: ${leaked}`]));
    await confirmLaunch(t, workspaceId);
    const { sessions } = await t.host.call('workspaces.launch', { workspaceId });
    expect((await sendAndWait(t, sessions[0].id, 'hello')).reply).toBe('Fine.');
    expect(JSON.stringify(fake.requests)).not.toContain(leaked);
  });

  it('uses a saved key of the provider and the OpenAI default model when the agent names none', async () => {
    fake.script({ text: 'Keyed.' });
    const t = await startHost();
    await t.host.call('apiKeys.set', { name: 'Gateway', value: 'sk-gateway-0123456789abcdef' });
    const yaml = providerYaml()
      .replace('api_key: none', 'api_key: "{{apikey:Gateway}}"')
      .replace('api: chat', 'api: responses')
      .replace('    model: llama-test\n', '');
    const { id: workspaceId } = await addWorkspace(t, yaml);
    const consent = await t.host.call('workspaces.launchConsent', { workspaceId });
    // Where the saved key goes is shown before it goes there.
    expect(consent.items.map((item) => item.text)).toContain(`sends saved key 'Gateway' to ${new URL(fake.baseURL).host}`);
    await confirmLaunch(t, workspaceId);
    const { sessions } = await t.host.call('workspaces.launch', { workspaceId });
    expect((await sendAndWait(t, sessions[0].id, 'hello')).reply).toBe('Keyed.');
    expect(fake.requests.map((r) => [r.endpoint, (r.body as ChatBody).model, r.headers.authorization])).toEqual([
      ['responses', 'gpt-4o', 'Bearer sk-gateway-0123456789abcdef'],
    ]);
  });
});

describe('provider, model and fields validation', () => {
  async function problems(yaml: string): Promise<string[]> {
    const t = await startHost();
    const result = await t.host.call('workspaces.validate', { yaml });
    return result.problems.filter((p) => p.severity === 'error').map((p) => p.message);
  }

  it('refuses an unknown provider, naming the file, line and the providers it and Settings have', async () => {
    const yaml = providerYaml().replace('provider: local', 'provider: remote');
    expect(await problems(yaml)).toEqual([
      'dspatch.workspace.yml:10 agents.assistant.provider: unknown provider "remote"; providers of this file: local; providers in Settings → Providers: openai',
    ]);
  });

  it('refuses a base_url that is not http(s)', async () => {
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'ftp://example.com/v1', '127.0.0.1:11434']) {
      const yaml = providerYaml().replace(`base_url: ${fake.baseURL}`, `base_url: "${url}"`);
      expect(await problems(yaml)).toEqual([
        'dspatch.workspace.yml:4 providers.local.base_url: must be an http:// or https:// URL, such as http://127.0.0.1:11434/v1',
      ]);
    }
  });

  it('refuses a literal key in the file without repeating it, and a bad api style', async () => {
    const key = 'sk-literal-in-file-0123456789abcdef';
    const found = await problems(providerYaml().replace('api_key: none', `api_key: ${key}`).replace('api: chat', 'api: completions'));
    expect(found).toHaveLength(2);
    expect(found[0]).toBe('dspatch.workspace.yml:5 providers.local.api: must be "chat" or "responses"');
    expect(found[1]).toMatch(/^dspatch\.workspace\.yml:6 providers\.local\.api_key: must be "none" or a saved key written \{\{apikey:Name\}\}/);
    expect(found.join('\n')).not.toContain(key);
  });

  it('refuses a field the template does not have, naming the ones it has', async () => {
    const yaml = providerYaml().replace('system_prompt: You are terse.', 'systemPrompt: You are terse.');
    expect(await problems(yaml)).toEqual([
      'dspatch.workspace.yml:13 agents.assistant.fields.systemPrompt: template "openai-assistant" has no field "systemPrompt"; its fields: system_prompt, authority',
    ]);
  });

});
