// The draft model's per-agent provider, model, fields and env: read from YAML, written back, and
// written over the user's text without losing its comments, quoting or unknown keys.
import { describe, expect, it } from 'vitest';
import {
  draftToYaml,
  envRecord,
  fileProviderNames,
  newAgent,
  updateAgent,
  yamlToDraft,
} from '../../../renderer/features/new-workspace/draft-model';

const SAMPLE = `# the shop workspace
name: shop
providers:
  # ollama on this machine
  local:
    base_url: http://127.0.0.1:11434/v1
    api: chat
    api_key: none
agents:
  assistant:
    template: openai-assistant
    provider: local
    model: llama3.2 # small and fast
    fields:
      system_prompt: |-
        You are terse.
        Answer in one line.
    env:
      PORT: 8080
      TOKEN: "{{apikey:main}}"
    instances: 2
  helper:
    template: echo
`;

describe('draft model: provider, model, fields and env', () => {
  it('reads them per agent and lists the file providers', () => {
    const draft = yamlToDraft(SAMPLE);
    const [assistant, helper] = draft.agents;
    expect(assistant).toMatchObject({
      provider: 'local',
      model: 'llama3.2',
      fields: { system_prompt: 'You are terse.\nAnswer in one line.' },
      env: [
        { name: 'PORT', value: '8080' },
        { name: 'TOKEN', value: '{{apikey:main}}' },
      ],
      extra: { instances: 2 },
    });
    expect(helper).toMatchObject({ provider: null, model: null, fields: {}, env: [] });
    expect(fileProviderNames(draft)).toEqual(['local']);
  });

  it('round-trips through fresh YAML', () => {
    const draft = yamlToDraft(SAMPLE);
    const again = yamlToDraft(draftToYaml(draft));
    expect(again.agents.map(({ uid: _uid, ...agent }) => agent)).toEqual(
      draft.agents.map(({ uid: _uid, ...agent }) => agent),
    );
    expect(again.extra).toEqual(draft.extra);
  });

  it('leaves the text as it was when nothing changed', () => {
    expect(draftToYaml(yamlToDraft(SAMPLE), SAMPLE)).toBe(SAMPLE);
  });

  it('writes a picker change over the text, keeping comments, quoting and unknown keys', () => {
    const draft = yamlToDraft(SAMPLE);
    const assistant = draft.agents[0];
    const next = {
      ...draft,
      agents: updateAgent(draft.agents, assistant.uid, (agent) => ({
        ...agent,
        model: 'qwen2.5-coder',
        fields: { ...agent.fields, authority: 'Ask before deleting files.' },
        env: [...agent.env, { name: 'DEBUG', value: '1' }],
      })),
    };
    const text = draftToYaml(next, SAMPLE);
    expect(text).toContain('# the shop workspace\n');
    expect(text).toContain('  # ollama on this machine\n  local:\n');
    expect(text).toContain('    model: qwen2.5-coder # small and fast\n');
    expect(text).toContain('      PORT: 8080\n      TOKEN: "{{apikey:main}}"\n      DEBUG: "1"\n');
    expect(text).toContain('    instances: 2\n');
    const again = yamlToDraft(text);
    expect(again.agents[0]).toMatchObject({
      provider: 'local',
      model: 'qwen2.5-coder',
      fields: { system_prompt: 'You are terse.\nAnswer in one line.', authority: 'Ask before deleting files.' },
    });
    expect(envRecord(again.agents[0].env)).toEqual({ PORT: '8080', TOKEN: '{{apikey:main}}', DEBUG: '1' });
  });

  it('adds new keys in the host order and removes cleared ones', () => {
    const draft = yamlToDraft(SAMPLE);
    const helper = draft.agents[1];
    const withProvider = {
      ...draft,
      agents: updateAgent(draft.agents, helper.uid, (agent) => ({
        ...agent,
        peers: ['assistant'],
        provider: 'local',
        model: 'llama3.2',
        fields: { system_prompt: 'Line one\nline two' },
      })),
    };
    const text = draftToYaml(withProvider, SAMPLE);
    expect(text).toContain(
      '  helper:\n    template: echo\n    provider: local\n    model: llama3.2\n    fields:\n      system_prompt: |-\n        Line one\n        line two\n    peers:\n      - assistant\n',
    );
    const cleared = {
      ...draft,
      agents: updateAgent(draft.agents, draft.agents[0].uid, (agent) => ({
        ...agent,
        provider: null,
        model: null,
        fields: {},
        env: [],
      })),
    };
    const clearedText = draftToYaml(cleared, SAMPLE);
    expect(clearedText).toContain('  assistant:\n    template: openai-assistant\n    instances: 2\n  helper:');
    expect(clearedText).toContain('providers:\n  # ollama on this machine\n  local:');
  });

  it('leaves out env rows without a name, and the last of a repeated name wins', () => {
    expect(
      envRecord([
        { name: '', value: 'x' },
        { name: 'A', value: '1' },
        { name: ' A ', value: '2' },
      ]),
    ).toEqual({ A: '2' });
    const agent = { ...newAgent([], 'echo'), env: [{ name: '', value: 'half typed' }] };
    expect(draftToYaml({ name: 'w', env: {}, agents: [agent], extra: {} })).toBe('name: w\nagents:\n  echo:\n    template: echo\n');
  });

  it('falls back to fresh YAML when the previous text does not parse', () => {
    const draft = yamlToDraft(SAMPLE);
    expect(draftToYaml(draft, 'name: [')).toBe(draftToYaml(draft));
  });
});

describe('draft model: writing over the text', () => {
  it('turns the empty `agents: {}` into a block map and keeps inline lists inline', () => {
    const start = 'name: shop\nagents: {}\n';
    const draft = yamlToDraft(start);
    const text = draftToYaml({ ...draft, agents: [newAgent([], 'echo')] }, start);
    expect(text).toBe('name: shop\nagents:\n  echo:\n    template: echo\n');
    const withPeers = 'name: w\nagents:\n  a:\n    template: echo\n    peers: [b]\n  b:\n    template: echo\n  c:\n    template: echo\n';
    const parsed = yamlToDraft(withPeers);
    const next = {
      ...parsed,
      agents: updateAgent(parsed.agents, parsed.agents[0].uid, (agent) => ({ ...agent, peers: ['b', 'c'] })),
    };
    expect(draftToYaml(next, withPeers)).toContain('    peers: [ b, c ]\n');
  });
});
