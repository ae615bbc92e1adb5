// Which Settings provider an agent's `provider:` reaches (for its default model and "Load models").
import { describe, expect, it } from 'vitest';
import type { ProviderInfo } from '../../../electron/api/types';
import { settingsProviderFor } from '../../../renderer/features/new-workspace/provider-choice';

const openai: ProviderInfo = {
  name: 'openai',
  baseUrl: 'https://api.openai.com/v1',
  api: 'responses',
  apiKey: null,
  defaultModel: 'gpt-5-mini',
  builtIn: true,
};
const gateway: ProviderInfo = { ...openai, name: 'Gateway', baseUrl: 'https://gw.example.com/v1', builtIn: false, defaultModel: null };

describe('settingsProviderFor', () => {
  it('is the built-in provider for the default, and none while Settings are loading', () => {
    expect(settingsProviderFor(null, [], [openai, gateway])).toBe(openai);
    expect(settingsProviderFor(null, [], null)).toBeNull();
  });

  it('finds a Settings provider by name, ignoring case, unless the file declares that name', () => {
    expect(settingsProviderFor('gateway', [], [openai, gateway])).toBe(gateway);
    expect(settingsProviderFor('Gateway', ['Gateway'], [openai, gateway])).toBeNull();
    expect(settingsProviderFor('elsewhere', [], [openai, gateway])).toBeNull();
  });
});
