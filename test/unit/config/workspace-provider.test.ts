// `providers:`, per-agent `provider`, `model` and `fields` in dspatch.workspace.yml: what an agent's
// env becomes, which keys are still asked for, where they may go, and that the file round-trips.
import { describe, expect, it } from 'vitest';
import { keyRoutes } from '../../../electron/host/launch-consent';
import { templateFieldEnv, type TemplateConfig } from '../../../electron/host/template-config';
import {
  agentRequiredEnv,
  flattenAgents,
  parseWorkspaceConfig,
  resolveAgentEnv,
  serializeWorkspaceConfig,
  type WorkspaceConfig,
} from '../../../electron/host/workspace-config';

const assistant: TemplateConfig = {
  name: 'assistant',
  description: '',
  entryPoint: 'agent.ts',
  readme: null,
  fields: { system_prompt: 'You help.', authority: 'None.' },
  requiredEnv: ['OPENAI_API_KEY'],
};
const templates = new Map<string, TemplateConfig | null>([['assistant', assistant]]);

function yaml(apiKey: string | null, agentExtra: string[] = []): string {
  return [
    'name: w',
    'providers:',
    '  gw:',
    '    base_url: https://gateway.example.com/v1',
    ...(apiKey === null ? [] : [`    api_key: ${apiKey}`]),
    'agents:',
    '  a:',
    '    template: assistant',
    '    provider: gw',
    ...agentExtra,
    '',
  ].join('\n');
}

function parsed(text: string): WorkspaceConfig {
  const result = parseWorkspaceConfig(text, { templates });
  expect(result.problems).toEqual([]);
  return result.config!;
}

describe('workspace providers', () => {
  it('a keyless provider sets the base URL, waives OPENAI_API_KEY and asks for no secret', () => {
    const text = yaml('none');
    const result = parseWorkspaceConfig(text, { templates });
    expect(result.requiredSecrets).toEqual([]);
    const [agent] = flattenAgents(result.config!);
    expect(agent.env).toEqual({ OPENAI_BASE_URL: 'https://gateway.example.com/v1' });
    expect(agent.api).toBe('responses');
    expect(agentRequiredEnv(agent, assistant.requiredEnv)).toEqual([]);
    const resolved = resolveAgentEnv({
      workspaceEnv: { OPENAI_API_KEY: 'sk-from-the-workspace' },
      agentEnv: agent.env,
      requiredEnv: assistant.requiredEnv,
      waivedEnv: agent.waivedEnv,
      secrets: new Map([['OPENAI_API_KEY', 'sk-stored']]),
      apiKeys: new Map(),
    });
    expect(resolved).toEqual({ env: { OPENAI_BASE_URL: 'https://gateway.example.com/v1' } });
    expect(keyRoutes(result.config!, () => assistant.requiredEnv)).toEqual([]);
  });

  it('without api_key the agent OPENAI_API_KEY secret is asked for, and its route to the provider is shown', () => {
    const config = parsed(yaml(null));
    expect(parseWorkspaceConfig(yaml(null), { templates }).requiredSecrets).toEqual([
      { key: 'OPENAI_API_KEY', requiredBy: ['a'] },
    ]);
    expect(keyRoutes(config, () => assistant.requiredEnv)).toEqual([
      { secret: 'OPENAI_API_KEY', savedKey: false, host: 'gateway.example.com' },
    ]);
  });

  it('a saved key of the provider wins over the env, and goes only to the provider', () => {
    const config = parsed(yaml('"{{apikey:Gateway}}"', ['    env:', '      OPENAI_API_KEY: sk-literal-of-the-agent']));
    const [agent] = flattenAgents(config);
    expect(agent.env.OPENAI_API_KEY).toBe('{{apikey:Gateway}}');
    expect(keyRoutes(config, () => assistant.requiredEnv)).toEqual([
      { secret: 'Gateway', savedKey: true, host: 'gateway.example.com' },
    ]);
  });

  it('passes model and field overrides, keeping the fields the workspace does not override', () => {
    const config = parsed(yaml('none', ['    model: llama3.2', '    fields:', '      system_prompt: You are terse.']));
    const [agent] = flattenAgents(config);
    expect(agent.model).toBe('llama3.2');
    expect(templateFieldEnv(assistant, agent.fields)).toEqual({
      DSPATCH_FIELD_SYSTEM_PROMPT: 'You are terse.',
      DSPATCH_FIELD_AUTHORITY: 'None.',
    });
  });

  it('round-trips providers, provider, model and fields through serialization', () => {
    const config = parsed(yaml('none', ['    model: llama3.2', '    fields:', '      system_prompt: "0123"']));
    const text = serializeWorkspaceConfig(config);
    expect(parsed(text)).toEqual(config);
    expect(text).toContain('providers:\n  gw:\n    base_url: https://gateway.example.com/v1\n    api: responses\n    api_key: none\n');
  });

  it('warns that an agent OPENAI_BASE_URL is ignored beside its provider', () => {
    const text = yaml('none', ['    env:', '      OPENAI_BASE_URL: https://elsewhere.example.com/v1']);
    const result = parseWorkspaceConfig(text, { templates });
    expect(result.problems.map((p) => [p.severity, p.message])).toEqual([
      ['warning', 'dspatch.workspace.yml:11 agents.a.env.OPENAI_BASE_URL: is ignored: provider "gw" sets OPENAI_BASE_URL'],
    ]);
    expect(flattenAgents(result.config!)[0].env.OPENAI_BASE_URL).toBe('https://gateway.example.com/v1');
  });

  it('warns about unknown provider keys and refuses bad provider names', () => {
    const text = yaml('none').replace('  gw:', '  "-gw":').replace('provider: gw', 'provider: "-gw"').replace(
      '    api_key: none',
      '    api_key: none\n    apikey: x',
    );
    expect(parseWorkspaceConfig(text, { templates }).problems.map((p) => [p.severity, p.message])).toEqual([
      ['error', 'dspatch.workspace.yml:3 providers.-gw: provider name "-gw" must start with a letter or digit and use only letters, digits, "_", "." and "-" (64 characters at most)'],
      ['warning', 'dspatch.workspace.yml:6 providers.-gw.apikey: unknown key "apikey" is ignored'],
    ]);
  });
});
