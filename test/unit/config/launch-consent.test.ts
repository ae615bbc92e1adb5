import { describe, expect, it } from 'vitest';
import { keyRoutes, routeItem, routesFingerprint } from '../../../electron/host/launch-consent';
import type { TemplateConfig } from '../../../electron/host/template-config';
import { parseWorkspaceConfig } from '../../../electron/host/workspace-config';

function template(name: string, requiredEnv: string[] = []): TemplateConfig {
  return { name, description: '', entryPoint: 'agent.ts', readme: null, fields: {}, requiredEnv };
}
const templates = new Map<string, TemplateConfig | null>([
  ['assistant', template('assistant', ['OPENAI_API_KEY'])],
  ['plain', template('plain')],
]);

function routesOf(yaml: string) {
  const { config, problems } = parseWorkspaceConfig(yaml, { templates });
  if (!config) throw new Error(problems.map((p) => p.message).join('\n'));
  return keyRoutes(config, (name) => templates.get(name)?.requiredEnv ?? []);
}

describe('keyRoutes: which secret goes to which host', () => {
  it('sends a saved key to every endpoint of its agent, and only its agent', () => {
    const routes = routesOf(
      [
        'name: w',
        'agents:',
        '  a:',
        '    template: plain',
        '    env:',
        '      OPENAI_API_KEY: "{{apikey:Work}}"',
        '      OPENAI_BASE_URL: https://user:pw@API.Example.com:8443/v1',
        '      HTTPS_PROXY: http://proxy.corp:3128',
        '  b:',
        '    template: plain',
        '    env:',
        '      OTHER_BASE_URL: https://elsewhere.test',
      ].join('\n'),
    );
    expect(routes).toEqual([
      { secret: 'Work', savedKey: true, host: 'api.example.com:8443' },
      { secret: 'Work', savedKey: true, host: 'proxy.corp:3128' },
    ]);
    expect(routes.map(routeItem).map((item) => item.text)).toEqual([
      "sends saved key 'Work' to api.example.com:8443",
      "sends saved key 'Work' to proxy.corp:3128",
    ]);
  });

  it("sends a saved key with no endpoint to the agent's default, and names endpoints without a scheme", () => {
    expect(routesOf('name: w\nenv:\n  KEY: "{{apikey:Work}}"\nagents:\n  a:\n    template: plain\n')).toEqual([
      { secret: 'Work', savedKey: true, host: null },
    ]);
    expect(
      routesOf('name: w\nenv:\n  KEY: "{{apikey:Work}}"\n  MODEL_HOST: evil.test:9000\nagents:\n  a:\n    template: plain\n'),
    ).toEqual([{ secret: 'Work', savedKey: true, host: 'evil.test:9000' }]);
  });

  it("counts the workspace's own secrets only when an endpoint is beside them", () => {
    const toDefault = 'name: w\nagents:\n  a:\n    template: assistant\n    env:\n      TOKEN: ""\n';
    expect(routesOf(toDefault)).toEqual([]);
    const elsewhere = 'name: w\nenv:\n  OPENAI_BASE_URL: http://127.0.0.1:4000/v1\nagents:\n  a:\n    template: assistant\n';
    expect(routesOf(elsewhere)).toEqual([{ secret: 'OPENAI_API_KEY', savedKey: false, host: '127.0.0.1:4000' }]);
    // A literal value is the file author's own, not the user's secret.
    const literal = 'name: w\nenv:\n  OPENAI_BASE_URL: http://x.test\n  OPENAI_API_KEY: sk-theirs\nagents:\n  a:\n    template: assistant\n';
    expect(routesOf(literal)).toEqual([]);
  });

  it('gives the same fingerprint for the same routes and another one when a host changes', () => {
    const yaml = (url: string) => `name: w\nenv:\n  K: "{{apikey:Work}}"\n  OPENAI_BASE_URL: ${url}\nagents:\n  a:\n    template: plain\n  b:\n    template: plain\n`;
    const first = routesFingerprint(routesOf(yaml('https://api.example.com/v1')));
    expect(routesFingerprint(routesOf(yaml('https://api.example.com/v2')))).toBe(first);
    expect(routesFingerprint(routesOf(yaml('https://api.evil.test/v1')))).not.toBe(first);
  });
});
