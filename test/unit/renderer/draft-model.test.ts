import { describe, expect, it } from 'vitest';
import {
  DraftParseError,
  draftToYaml,
  newAgent,
  setYamlValue,
  uniqueKey,
  yamlEnvValue,
  yamlToDraft,
} from '../../../renderer/features/new-workspace/draft-model';

const SAMPLE = `name: shop
env:
  OPENAI_API_KEY: "{{apikey:main}}"
agents:
  lead:
    template: openai-chat
    auto_start: true
    peers: [reviewer]
    sub_agents:
      coder:
        template: coder
        instances: 2
  reviewer:
    template: reviewer
workspace_dir: ~/src/shop
mounts:
  - host_path: /data
    container_path: /mnt/data
`;

describe('draft model', () => {
  it('round-trips YAML through the visual model without losing unknown keys', () => {
    const draft = yamlToDraft(SAMPLE);
    expect(draft.name).toBe('shop');
    expect(draft.agents.map((agent) => agent.key)).toEqual(['lead', 'reviewer']);
    expect(draft.agents[0].subAgents[0].extra).toEqual({ instances: 2 });
    const again = yamlToDraft(draftToYaml(draft));
    expect(again.extra).toEqual({
      workspace_dir: '~/src/shop',
      mounts: [{ host_path: '/data', container_path: '/mnt/data' }],
    });
    expect(again.agents[0].peers).toEqual(['reviewer']);
    expect(again.agents[0].autoStart).toBe(true);
    expect(again.agents[1].autoStart).toBeNull();
    expect(again.env).toEqual({ OPENAI_API_KEY: '{{apikey:main}}' });
    expect(again.agents[0].subAgents[0]).toMatchObject({
      key: 'coder',
      template: 'coder',
      extra: { instances: 2 },
    });
  });

  it('reports a syntax error with its line', () => {
    try {
      yamlToDraft('name: x\nagents:\n  lead: [\n');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DraftParseError);
      expect((error as DraftParseError).line).toBeGreaterThan(0);
    }
  });

  it('rejects shapes the visual tab cannot show', () => {
    expect(() => yamlToDraft('- a\n- b\n')).toThrow(DraftParseError);
    expect(() => yamlToDraft('name: x\nagents:\n  lead: 3\n')).toThrow(/template/);
  });

  it('sets values in YAML text keeping comments', () => {
    const text = '# my workspace\nname: old # keep\nagents: {}\n';
    const next = setYamlValue(text, ['env', 'OPENAI_API_KEY'], '{{apikey:main}}');
    expect(next).toContain('# my workspace');
    expect(yamlEnvValue(next, 'OPENAI_API_KEY')).toBe('{{apikey:main}}');
    expect(setYamlValue(text, ['name'], 'new')).toContain('name: new');
  });

  it('derives unique agent keys from template names', () => {
    const first = newAgent([], 'OpenAI Chat');
    expect(first.key).toBe('openai-chat');
    expect(uniqueKey([first], 'openai chat')).toBe('openai-chat-2');
  });
});
