// An agent's `provider:` naming a provider from Settings → Providers: resolved after the file's own,
// ignoring case, with its base URL, API style, key (none, a saved key, or the agent's) and default
// model; the error for a provider that is nowhere names both sets.
import { describe, expect, it } from 'vitest';
import { keyRoutes } from '../../../electron/host/launch-consent';
import type { TemplateConfig } from '../../../electron/host/template-config';
import { flattenAgents, parseWorkspaceConfig, type ProviderConfig, type SettingsProviders } from '../../../electron/host/workspace-config';

const assistant: TemplateConfig = {
  name: 'assistant',
  description: '',
  entryPoint: 'agent.ts',
  readme: null,
  fields: { system_prompt: 'You help.' },
  requiredEnv: ['OPENAI_API_KEY'],
};
const templates = new Map<string, TemplateConfig | null>([['assistant', assistant]]);

const settings: SettingsProviders = new Map<string, ProviderConfig>([
  ['openai', { baseUrl: 'https://api.openai.com/v1', api: 'responses' }],
  ['Ollama', { baseUrl: 'http://127.0.0.1:11434/v1', api: 'chat', apiKey: 'none', defaultModel: 'llama3.2' }],
  ['gateway', { baseUrl: 'https://gw.example.com/v1', api: 'responses', apiKey: '{{apikey:Gateway}}' }],
]);

function yaml(provider: string, extra: string[] = [], fileProviders: string[] = []): string {
  return ['name: w', ...fileProviders, 'agents:', '  a:', '    template: assistant', `    provider: ${provider}`, ...extra, ''].join('\n');
}

function errors(text: string, providers: SettingsProviders | null = settings): string[] {
  return parseWorkspaceConfig(text, { templates, settingsProviders: providers ?? undefined })
    .problems.filter((problem) => problem.severity === 'error')
    .map((problem) => problem.message);
}

describe('providers from Settings', () => {
  it('a keyless chat provider: base URL, API style, default model, no key asked for', () => {
    const result = parseWorkspaceConfig(yaml('ollama'), { templates, settingsProviders: settings });
    expect(result.problems).toEqual([]);
    expect(result.requiredSecrets).toEqual([]);
    const [agent] = flattenAgents(result.config!, settings);
    expect(agent).toMatchObject({ api: 'chat', model: 'llama3.2', waivedEnv: ['OPENAI_API_KEY'], env: { OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1' } });
  });

  it("the agent's own model wins over the provider's default", () => {
    const result = parseWorkspaceConfig(yaml('Ollama', ['    model: qwen3']), { templates, settingsProviders: settings });
    expect(flattenAgents(result.config!, settings)[0].model).toBe('qwen3');
  });

  it('a saved key resolves like a file provider, and its route is shown for consent', () => {
    const result = parseWorkspaceConfig(yaml('gateway'), { templates, settingsProviders: settings });
    expect(result.problems).toEqual([]);
    expect(result.requiredSecrets).toEqual([]);
    const [agent] = flattenAgents(result.config!, settings);
    expect(agent.env).toEqual({ OPENAI_BASE_URL: 'https://gw.example.com/v1', OPENAI_API_KEY: '{{apikey:Gateway}}' });
    expect(keyRoutes(result.config!, () => assistant.requiredEnv, settings)).toEqual([{ secret: 'Gateway', savedKey: true, host: 'gw.example.com' }]);
  });

  it("the built-in openai asks for the agent's OPENAI_API_KEY", () => {
    const result = parseWorkspaceConfig(yaml('openai'), { templates, settingsProviders: settings });
    expect(result.problems).toEqual([]);
    expect(result.requiredSecrets).toEqual([{ key: 'OPENAI_API_KEY', requiredBy: ['a'] }]);
    expect(flattenAgents(result.config!, settings)[0]).toMatchObject({ api: 'responses', env: { OPENAI_BASE_URL: 'https://api.openai.com/v1' } });
  });

  it("the file's own provider of that name wins", () => {
    const file = ['providers:', '  ollama:', '    base_url: http://10.0.0.5:11434/v1', '    api: chat', '    api_key: none'];
    const result = parseWorkspaceConfig(yaml('ollama', [], file), { templates, settingsProviders: settings });
    expect(result.problems).toEqual([]);
    const [agent] = flattenAgents(result.config!, settings);
    expect(agent.env.OPENAI_BASE_URL).toBe('http://10.0.0.5:11434/v1');
    expect(agent.model).toBeUndefined();
  });

  it('an unknown provider names the providers of the file and of Settings', () => {
    expect(errors(yaml('remote'))).toEqual([
      'dspatch.workspace.yml:5 agents.a.provider: unknown provider "remote"; providers in Settings → Providers: openai, Ollama, gateway; declare it under "providers:" at the top of the file or add it in Settings → Providers',
    ]);
    const file = ['providers:', '  local:', '    base_url: http://10.0.0.5:11434/v1'];
    expect(errors(yaml('remote', [], file))).toEqual([
      'dspatch.workspace.yml:8 agents.a.provider: unknown provider "remote"; providers of this file: local; providers in Settings → Providers: openai, Ollama, gateway',
    ]);
    expect(errors(yaml('remote'), null)).toEqual([
      'dspatch.workspace.yml:5 agents.a.provider: unknown provider "remote"; declare it under "providers:" at the top of the file or add it in Settings → Providers',
    ]);
  });
});
