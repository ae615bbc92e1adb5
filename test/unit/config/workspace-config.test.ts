import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ValidationProblem } from '../../../electron/api/contract';
import type { TemplateConfig } from '../../../electron/host/template-config';
import {
  agentToolName,
  flattenAgents,
  parseWorkspaceConfig,
  resolveAgentEnv,
  resolveWorkspaceDir,
  serializeWorkspaceConfig,
} from '../../../electron/host/workspace-config';
import type { WorkspaceConfig } from '../../../electron/host/workspace-config';

function template(name: string, requiredEnv: string[] = []): TemplateConfig {
  return { name, description: '', entryPoint: 'agent.ts', readme: null, fields: {}, requiredEnv };
}

const templates = new Map<string, TemplateConfig | null>([
  ['coder', template('coder', ['OPENAI_API_KEY', 'GITHUB_TOKEN'])],
  ['reviewer', template('reviewer', ['OPENAI_API_KEY'])],
  ['plain', template('plain')],
  ['broken', null],
]);

const lines = (...rows: string[]): string => `${rows.join('\n')}\n`;
const parse = (yaml: string) => parseWorkspaceConfig(yaml, { templates });
const errors = (problems: ValidationProblem[]) => problems.filter((p) => p.severity === 'error');
const warnings = (problems: ValidationProblem[]) => problems.filter((p) => p.severity === 'warning');
const messages = (problems: ValidationProblem[]) => problems.map((p) => p.message);

/** A config that uses every key; line numbers below refer to it. */
const FULL = lines(
  'name: shop', //                                1
  'workspace_dir: ~/code/shop', //                2
  'env:', //                                      3
  '  OPENAI_API_KEY: "{{apikey:OpenAI}}"', //     4
  '  LOG_LEVEL: debug', //                        5
  '  PORT: 0123', //                              6
  'agents:', //                                   7
  '  lead:', //                                   8
  '    template: coder', //                       9
  '    env:', //                                 10
  '      GITHUB_TOKEN: ""', //                    11
  '    peers: [reviewer]', //                    12
  '    sub_agents:', //                          13
  '      tester:', //                            14
  '        template: plain', //                  15
  '        peers: [lead.helper-bot]', //         16
  '      helper-bot:', //                        17
  '        template: reviewer', //               18
  '        auto_start: true', //                 19
  '  reviewer:', //                              20
  '    template: reviewer', //                   21
  '    auto_start: false', //                    22
  '    env:', //                                 23
  '      OPENAI_API_KEY: sk-literal', //         24
);

describe('parseWorkspaceConfig: a valid file', () => {
  const result = parse(FULL);

  it('has no problems and a typed config', () => {
    expect(result.problems).toEqual([]);
    expect(result.config).toEqual({
      name: 'shop',
      workspaceDir: '~/code/shop',
      env: { OPENAI_API_KEY: '{{apikey:OpenAI}}', LOG_LEVEL: 'debug', PORT: '0123' },
      agents: {
        lead: {
          template: 'coder',
          env: { GITHUB_TOKEN: '' },
          peers: ['reviewer'],
          subAgents: {
            tester: { template: 'plain', env: {}, peers: ['lead.helper-bot'], subAgents: {} },
            'helper-bot': { template: 'reviewer', env: {}, peers: [], subAgents: {}, autoStart: true },
          },
        },
        reviewer: {
          template: 'reviewer',
          env: { OPENAI_API_KEY: 'sk-literal' },
          peers: [],
          subAgents: {},
          autoStart: false,
        },
      },
    } satisfies WorkspaceConfig);
  });

  it('keeps YAML order of agents', () => {
    expect(Object.keys(result.config?.agents ?? {})).toEqual(['lead', 'reviewer']);
    expect(Object.keys(result.config?.agents.lead.subAgents ?? {})).toEqual(['tester', 'helper-bot']);
  });

  it('builds the agent tree with resolved peers and auto_start defaults', () => {
    expect(result.agents).toEqual([
      {
        key: 'lead',
        path: 'lead',
        template: 'coder',
        peers: ['reviewer', 'tester', 'helper-bot'],
        autoStart: true,
        children: [
          {
            key: 'tester',
            path: 'lead.tester',
            template: 'plain',
            peers: ['helper-bot'],
            autoStart: false,
            children: [],
          },
          {
            key: 'helper-bot',
            path: 'lead.helper-bot',
            template: 'reviewer',
            peers: [],
            autoStart: true,
            children: [],
          },
        ],
      },
      { key: 'reviewer', path: 'reviewer', template: 'reviewer', peers: [], autoStart: false, children: [] },
    ]);
  });

  it('lists required secrets: empty values count as missing, literals and placeholders do not', () => {
    // OPENAI_API_KEY: a placeholder globally, a literal for reviewer → never prompted.
    // GITHUB_TOKEN: lead sets it to "" → prompted for lead.
    expect(result.requiredSecrets).toEqual([{ key: 'GITHUB_TOKEN', requiredBy: ['lead'] }]);
  });
});

describe('parseWorkspaceConfig: problems carry file, line and path', () => {
  it('reports an unknown peer like the docs say', () => {
    const result = parse(
      lines(
        'name: shop', //                          1
        'env:', //                                2
        '  OPENAI_API_KEY: "{{apikey:OpenAI}}"', // 3
        'agents:', //                             4
        '  reviewer:', //                         5
        '    template: reviewer', //              6
        '  coder:', //                            7
        '    template: coder', //                 8
        '    auto_start: true', //                9
        '    peers:', //                         10
        '      - reviewer', //                   11
        '      - reviewr', //                    12
      ),
    );
    expect(errors(result.problems)).toEqual([
      {
        severity: 'error',
        line: 12,
        path: 'agents.coder.peers[1]',
        message: 'dspatch.workspace.yml:12 agents.coder.peers[1]: unknown agent "reviewr"',
      },
    ]);
    // Shape was fine, so the Visual tab still gets the config and tree.
    expect(result.config).not.toBeNull();
    expect(result.agents?.map((a) => a.key)).toEqual(['reviewer', 'coder']);
  });

  it('uses the given file name', () => {
    const result = parseWorkspaceConfig('agents: {}\n', { templates, fileName: 'ws/dspatch.workspace.yml' });
    expect(messages(result.problems)[0]).toBe('ws/dspatch.workspace.yml:1 name: is required');
  });

  it('reports YAML syntax errors with their line and no source excerpt', () => {
    const result = parse(
      lines(
        'name: shop',
        'env:',
        '  SECRET: sk-in-the-source',
        '\tOTHER: x',
        'agents:',
        '  a: {template: plain}',
      ),
    );
    expect(result.config).toBeNull();
    expect(result.agents).toBeNull();
    const [problem] = result.problems;
    expect(problem).toMatchObject({ severity: 'error', line: 4 });
    expect(problem.message).toMatch(/^dspatch\.workspace\.yml:4: YAML syntax error: /);
    for (const p of result.problems) expect(p.message).not.toContain('sk-in-the-source');
  });

  it('reports an unresolvable alias', () => {
    const result = parse(lines('name: shop', 'agents:', '  a: *missing'));
    expect(result.config).toBeNull();
    expect(messages(result.problems)[0]).toMatch(
      /^dspatch\.workspace\.yml:1: YAML cannot be read: .*missing/,
    );
  });

  it('reports an empty file and a file that is not a mapping', () => {
    expect(messages(parse('').problems)).toEqual([
      'dspatch.workspace.yml:1: the file is empty; it needs "name" and "agents"',
    ]);
    expect(messages(parse('- a\n').problems)[0]).toMatch(/must be a mapping/);
  });

  it('reports duplicate agent keys under one parent at the second one', () => {
    const result = parse(
      lines('name: shop', 'agents:', '  coder:', '    template: plain', '  coder:', '    template: reviewer'),
    );
    expect(result.config).toBeNull();
    expect(result.problems).toEqual([
      {
        severity: 'error',
        line: 5,
        path: 'agents.coder',
        message: 'dspatch.workspace.yml:5 agents.coder: duplicate key "coder"',
      },
    ]);
  });

  it('reports duplicate keys anywhere, e.g. in a nested env', () => {
    const result = parse(
      lines(
        'name: shop',
        'agents:',
        '  a:',
        '    template: plain',
        '    env:',
        '      X: "1"',
        '      X: "2"',
      ),
    );
    expect(messages(result.problems)).toEqual(['dspatch.workspace.yml:7 agents.a.env.X: duplicate key "X"']);
  });

  it('reports bad types at the offending value', () => {
    const result = parse(
      lines(
        'name: [shop]', //                  1
        'env:', //                          2
        '  NESTED: {a: 1}', //              3
        'agents:', //                       4
        '  a:', //                          5
        '    template: plain', //           6
        '    peers: b', //                  7
        '    auto_start: "yes"', //         8
        '  b:', //                          9
        '  c: plain', //                   10
      ),
    );
    expect(result.config).toBeNull();
    expect(messages(result.problems)).toEqual([
      'dspatch.workspace.yml:1 name: must be text, not a list',
      'dspatch.workspace.yml:3 env.NESTED: must be text',
      'dspatch.workspace.yml:7 agents.a.peers: must be a list, not a string',
      'dspatch.workspace.yml:8 agents.a.auto_start: must be true or false, not a string',
      'dspatch.workspace.yml:9 agents.b: must be a mapping, not an empty value',
      'dspatch.workspace.yml:10 agents.c: must be a mapping, not a string',
    ]);
  });

  it('requires a template on each agent, pointing at the agent', () => {
    const result = parse(
      lines('name: shop', 'agents:', '  lead:', '    sub_agents:', '      coder:', '        peers: [lead]'),
    );
    expect(messages(result.problems)).toEqual([
      'dspatch.workspace.yml:3 agents.lead.template: is required',
      'dspatch.workspace.yml:5 agents.lead.sub_agents.coder.template: is required',
    ]);
  });

  it('rejects an empty agent tree', () => {
    for (const yaml of ['name: shop\nagents: {}\n', 'name: shop\nagents:\n', 'name: shop\n']) {
      const result = parse(yaml);
      expect(errors(result.problems).map((p) => [p.line, p.path, p.message])).toEqual([
        [
          yaml === 'name: shop\n' ? 1 : 2,
          'agents',
          expect.stringMatching(/agents: at least one agent is required$/),
        ],
      ]);
    }
  });

  it('rejects unknown templates and templates with an invalid config', () => {
    const result = parse(
      lines('name: shop', 'agents:', '  a:', '    template: nope', '  b:', '    template: broken'),
    );
    expect(messages(errors(result.problems))).toEqual([
      'dspatch.workspace.yml:4 agents.a.template: unknown template "nope"',
      'dspatch.workspace.yml:6 agents.b.template: template "broken" has an invalid dspatch.agent.yml',
    ]);
  });

  it('rejects an agent that peers itself, by key or by path', () => {
    const result = parse(
      lines(
        'name: shop',
        'agents:',
        '  lead:',
        '    template: plain',
        '    peers: [lead]',
        '    sub_agents:',
        '      coder:',
        '        template: plain',
        '        peers:',
        '          - lead.coder',
      ),
    );
    expect(messages(errors(result.problems))).toEqual([
      'dspatch.workspace.yml:5 agents.lead.peers[0]: an agent cannot be its own peer',
      'dspatch.workspace.yml:10 agents.lead.sub_agents.coder.peers[0]: an agent cannot be its own peer',
    ]);
  });

  it('resolves peers by bare key or dotted path, and rejects a wrong path', () => {
    const result = parse(
      lines(
        'name: shop',
        'agents:',
        '  lead:',
        '    template: plain',
        '    sub_agents:',
        '      coder: {template: plain}',
        '  qa:',
        '    template: plain',
        '    peers: [coder, lead.coder, qa.coder, lead]',
      ),
    );
    expect(messages(result.problems)).toEqual([
      'dspatch.workspace.yml:9 agents.qa.peers[1]: "lead.coder" is listed twice',
      'dspatch.workspace.yml:9 agents.qa.peers[2]: unknown agent "qa.coder"',
    ]);
    expect(warnings(result.problems)).toHaveLength(1);
    expect(result.agents?.[1].peers).toEqual(['coder', 'lead']);
  });

  it('rejects reserved and invalid env names in workspace and agent env', () => {
    const result = parse(
      lines(
        'name: shop', //                  1
        'env:', //                        2
        '  DSPATCH_AGENT_KEY: x', //      3
        '  1BAD: x', //                   4
        'agents:', //                     5
        '  a:', //                        6
        '    template: plain', //         7
        '    env:', //                    8
        '      dspatch_peers: x', //      9
        '      OK: fine', //             10
      ),
    );
    expect(errors(result.problems).map((p) => [p.line, p.path])).toEqual([
      [3, 'env.DSPATCH_AGENT_KEY'],
      [4, 'env.1BAD'],
      [9, 'agents.a.env.dspatch_peers'],
    ]);
    expect(result.problems[0].message).toBe(
      'dspatch.workspace.yml:3 env.DSPATCH_AGENT_KEY: "DSPATCH_AGENT_KEY" is reserved: DSPATCH_* names are set by dspatch',
    );
  });

  it('refuses loader and runtime variables in workspace and agent env, with file, line and reason', () => {
    const result = parse(
      lines(
        'name: shop', //                              1
        'env:', //                                    2
        '  NODE_ENV: production', //                  3
        '  NODE_OPTIONS: --require /tmp/evil.js', //  4
        '  LD_PRELOAD: /tmp/evil.so', //              5
        '  NODE_EXTRA_CA_CERTS: /etc/corp-ca.pem', // 6
        'agents:', //                                 7
        '  a:', //                                    8
        '    template: plain', //                     9
        '    env:', //                               10
        '      DYLD_INSERT_LIBRARIES: x.dylib', //   11
        '      ELECTRON_RUN_AS_NODE: "1"', //        12
        '      NODE_TLS_REJECT_UNAUTHORIZED: "0"', // 13
        '      GCONV_PATH: /tmp', //                 14
        '      UV_THREADPOOL_SIZE: "64"', //         15
        '      node_path: /tmp/mods', //             16
      ),
    );
    expect(errors(result.problems).map((p) => [p.line, p.path])).toEqual([
      [4, 'env.NODE_OPTIONS'],
      [5, 'env.LD_PRELOAD'],
      [11, 'agents.a.env.DYLD_INSERT_LIBRARIES'],
      [12, 'agents.a.env.ELECTRON_RUN_AS_NODE'],
      [13, 'agents.a.env.NODE_TLS_REJECT_UNAUTHORIZED'],
      [14, 'agents.a.env.GCONV_PATH'],
      [15, 'agents.a.env.UV_THREADPOOL_SIZE'],
      [16, 'agents.a.env.node_path'],
    ]);
    expect(errors(result.problems)[0].message).toBe(
      "dspatch.workspace.yml:4 env.NODE_OPTIONS: NODE_OPTIONS changes how the agent's runtime loads code; it cannot be set from a workspace file",
    );
    expect(errors(result.problems)[4].message).toBe(
      "dspatch.workspace.yml:13 agents.a.env.NODE_TLS_REJECT_UNAUTHORIZED: NODE_TLS_REJECT_UNAUTHORIZED turns off the TLS checks that protect the agent's API keys; it cannot be set from a workspace file",
    );
  });

  it('rejects malformed {{apikey:…}} placeholders', () => {
    const result = parse(
      lines(
        'name: shop',
        'env:',
        '  A: "{{apikey:}}"',
        '  B: "{{apikey:Open AI}}"',
        '  C: "{{apikey:OK"',
        'agents:',
        '  a: {template: plain}',
      ),
    );
    expect(errors(result.problems).map((p) => [p.line, p.path])).toEqual([
      [3, 'env.A'],
      [4, 'env.B'],
      [5, 'env.C'],
    ]);
    expect(result.problems[2].message).toMatch(/malformed placeholder/);
  });

  it('rejects agent keys that are not lowercase names, reused in the tree, or clash as tool names', () => {
    const result = parse(
      lines(
        'name: shop', //                        1
        'agents:', //                           2
        '  Coder: {template: plain}', //        3
        '  my-agent: {template: plain}', //     4
        '  my_agent: {template: plain}', //     5
        '  lead:', //                           6
        '    template: plain', //               7
        '    sub_agents:', //                   8
        '      my-agent: {template: plain}', // 9
        `  ${'a'.repeat(49)}: {template: plain}`, // 10
      ),
    );
    expect(errors(result.problems).map((p) => [p.line, p.path])).toEqual([
      [3, 'agents.Coder'],
      [5, 'agents.my_agent'],
      [9, 'agents.lead.sub_agents.my-agent'],
      [10, `agents.${'a'.repeat(49)}`],
    ]);
    expect(messages(result.problems)).toEqual([
      expect.stringMatching(/agent key "Coder" must start with a lowercase letter/),
      expect.stringMatching(/agent keys "my-agent" and "my_agent" would both get the tool talk_to_my_agent/),
      expect.stringMatching(/agent key "my-agent" is already used by "my-agent"; agent keys must be unique/),
      expect.stringMatching(/48 characters at most/),
    ]);
  });

  it('rejects agents nested more than 10 levels deep', () => {
    const rows = ['name: shop', 'agents:'];
    for (let depth = 1; depth <= 11; depth++) {
      const indent = '  '.repeat(2 * depth - 1);
      rows.push(`${indent}a${depth}:`, `${indent}  template: plain`);
      if (depth < 11) rows.push(`${indent}  sub_agents:`);
    }
    const result = parse(lines(...rows));
    const nested = Array.from({ length: 10 }, (_, i) => `a${i + 1}`).join('.sub_agents.');
    expect(errors(result.problems)).toEqual([
      expect.objectContaining({
        line: 33,
        path: `agents.${nested}.sub_agents.a11`,
        message: expect.stringMatching(/:33 .*a11: agents may be nested at most 10 levels deep$/),
      }),
    ]);
    expect(flattenAgents(result.config as WorkspaceConfig)).toHaveLength(10);
  });

  it('warns about unknown keys without failing', () => {
    const result = parse(
      lines(
        'name: shop', //                     1
        'docker: {memory_limit: 4g}', //     2
        'colour: blue', //                   3
        'agents:', //                        4
        '  a:', //                           5
        '    template: plain', //            6
        '    instances: 2', //               7
        '    sub_agents:', //                8
        '      b:', //                       9
        '        template: plain', //       10
        '        tmplate: plain', //        11
      ),
    );
    expect(errors(result.problems)).toEqual([]);
    expect(result.config).not.toBeNull();
    expect(result.problems.map((p) => [p.severity, p.line, p.path])).toEqual([
      ['warning', 2, 'docker'],
      ['warning', 3, 'colour'],
      ['warning', 7, 'agents.a.instances'],
      ['warning', 11, 'agents.a.sub_agents.b.tmplate'],
    ]);
    expect(result.problems[1].message).toBe(
      'dspatch.workspace.yml:3 colour: unknown key "colour" is ignored',
    );
    expect(result.problems[0].message).toMatch(/not supported by dspatch desktop/);
  });

  it('sorts problems by line', () => {
    const result = parse(
      lines('name: shop', 'env: {DSPATCH_X: "1"}', 'agents:', '  a:', '    template: nope', 'extra: 1'),
    );
    expect(result.problems.map((p) => p.line)).toEqual([2, 5, 6]);
  });
});

describe('requiredSecrets', () => {
  it('collects each key once with every agent path that needs it', () => {
    const result = parse(
      lines(
        'name: shop',
        'env:',
        '  GITHUB_TOKEN: ""',
        'agents:',
        '  lead:',
        '    template: coder',
        '    sub_agents:',
        '      rev: {template: reviewer}',
        '  solo:',
        '    template: coder',
        '    env: {GITHUB_TOKEN: ghp_literal}',
      ),
    );
    expect(result.requiredSecrets).toEqual([
      { key: 'OPENAI_API_KEY', requiredBy: ['lead', 'lead.rev', 'solo'] },
      { key: 'GITHUB_TOKEN', requiredBy: ['lead'] },
    ]);
  });

  it('skips agents whose template is unknown', () => {
    const result = parse(lines('name: shop', 'agents:', '  a: {template: nope}'));
    expect(result.requiredSecrets).toEqual([]);
  });
});

describe('serializeWorkspaceConfig', () => {
  it('round-trips a parsed config', () => {
    const first = parse(FULL).config as WorkspaceConfig;
    const yaml = serializeWorkspaceConfig(first);
    const second = parse(yaml);
    expect(second.problems).toEqual([]);
    expect(second.config).toEqual(first);
    expect(serializeWorkspaceConfig(second.config as WorkspaceConfig)).toBe(yaml);
  });

  it('writes keys in a stable order and leaves out empty collections', () => {
    const config: WorkspaceConfig = {
      agents: {
        b: { subAgents: {}, peers: [], env: {}, template: 'plain' },
        a: {
          peers: ['b'],
          autoStart: false,
          subAgents: { c: { template: 'plain', env: { Z: '1' }, peers: [], subAgents: {} } },
          env: {},
          template: 'plain',
        },
      },
      env: { B: 'x' },
      name: 'shop',
      workspaceDir: 'work',
    };
    expect(serializeWorkspaceConfig(config)).toBe(
      lines(
        'name: shop',
        'workspace_dir: work',
        'env:',
        '  B: x',
        'agents:',
        '  b:',
        '    template: plain',
        '  a:',
        '    template: plain',
        '    auto_start: false',
        '    peers:',
        '      - b',
        '    sub_agents:',
        '      c:',
        '        template: plain',
        '        env:',
        '          Z: "1"',
      ),
    );
  });

  it('keeps values that YAML would otherwise read as other types or fold', () => {
    const env = {
      ZIP: '01234',
      FLAG: 'true',
      NUL: 'null',
      EMPTY: '',
      KEY: '{{apikey:OpenAI}}',
      PROMPT: `line one\nline two: with colon # and hash\n`,
      LONG: 'word '.repeat(60).trim(),
      QUOTES: `it's "quoted"`,
    };
    const config: WorkspaceConfig = {
      name: 'yes',
      env,
      agents: { a: { template: 'plain', env: {}, peers: [], subAgents: {} } },
    };
    const yaml = serializeWorkspaceConfig(config);
    const back = parse(yaml);
    expect(back.problems).toEqual([]);
    expect(back.config).toEqual(config);
    expect(yaml).toContain(`LONG: ${env.LONG}\n`);
  });
});

describe('flattenAgents', () => {
  it('lists agents depth-first with keys, paths, parents and resolved peers', () => {
    const config = parse(FULL).config as WorkspaceConfig;
    expect(flattenAgents(config)).toEqual([
      {
        key: 'lead',
        path: 'lead',
        template: 'coder',
        env: { GITHUB_TOKEN: '' },
        peers: ['reviewer', 'tester', 'helper-bot'],
        parentPath: null,
        isRoot: true,
        autoStart: true,
      },
      {
        key: 'tester',
        path: 'lead.tester',
        template: 'plain',
        env: {},
        peers: ['helper-bot'],
        parentPath: 'lead',
        isRoot: false,
        autoStart: false,
      },
      {
        key: 'helper-bot',
        path: 'lead.helper-bot',
        template: 'reviewer',
        env: {},
        peers: [],
        parentPath: 'lead',
        isRoot: false,
        autoStart: true,
      },
      {
        key: 'reviewer',
        path: 'reviewer',
        template: 'reviewer',
        env: { OPENAI_API_KEY: 'sk-literal' },
        peers: [],
        parentPath: null,
        isRoot: true,
        autoStart: false,
      },
    ]);
  });

  it('drops peers that do not resolve and never lists an agent as its own peer', () => {
    const config: WorkspaceConfig = {
      name: 'x',
      env: {},
      agents: {
        a: { template: 'plain', env: {}, peers: ['ghost', 'a', 'b', 'b'], subAgents: {} },
        b: { template: 'plain', env: {}, peers: [], subAgents: {} },
      },
    };
    expect(flattenAgents(config)[0].peers).toEqual(['b']);
  });

  it('names the talk_to tool with underscores', () => {
    expect(agentToolName('helper-bot')).toBe('talk_to_helper_bot');
  });
});

describe('resolveAgentEnv', () => {
  const none = new Map<string, string>();

  it('merges workspace and agent env, the agent winning', () => {
    const result = resolveAgentEnv({
      workspaceEnv: { LOG_LEVEL: 'info', REGION: 'eu' },
      agentEnv: { LOG_LEVEL: 'debug' },
      requiredEnv: [],
      secrets: none,
      apiKeys: none,
    });
    expect(result).toEqual({ env: { LOG_LEVEL: 'debug', REGION: 'eu' } });
  });

  it('passes only declared and required keys, whatever else the caller has', () => {
    process.env.DSPATCH_TEST_HOST_ONLY = 'host-value';
    try {
      const result = resolveAgentEnv({
        workspaceEnv: { A: 'a' },
        agentEnv: { B: 'b' },
        requiredEnv: ['OPENAI_API_KEY'],
        secrets: new Map([
          ['OPENAI_API_KEY', 'sk-secret'],
          ['OTHER_WORKSPACE_SECRET', 'must-not-leak'],
          ['PATH', '/evil'],
        ]),
        apiKeys: new Map([['Unused', 'also-not']]),
      });
      expect(result).toEqual({ env: { OPENAI_API_KEY: 'sk-secret', A: 'a', B: 'b' } });
    } finally {
      delete process.env.DSPATCH_TEST_HOST_ONLY;
    }
  });

  it('drops DSPATCH_* names even if a caller skipped validation', () => {
    const result = resolveAgentEnv({
      workspaceEnv: { DSPATCH_AGENT_KEY: 'spoof', Dspatch_Peers: '[]' },
      agentEnv: {},
      requiredEnv: ['DSPATCH_FIELD_X'],
      secrets: new Map([['DSPATCH_FIELD_X', 'x']]),
      apiKeys: none,
    });
    expect(result).toEqual({ env: {} });
  });

  it('drops loader and runtime variables even if a caller skipped validation', () => {
    const result = resolveAgentEnv({
      workspaceEnv: { NODE_OPTIONS: '--require /tmp/evil.js', LD_PRELOAD: '/tmp/evil.so', NODE_ENV: 'production' },
      agentEnv: { Electron_Run_As_Node: '1', NODE_EXTRA_CA_CERTS: '/etc/ca.pem' },
      requiredEnv: ['NODE_PATH', 'DYLD_INSERT_LIBRARIES'],
      secrets: new Map([
        ['NODE_PATH', '/tmp/mods'],
        ['DYLD_INSERT_LIBRARIES', 'x.dylib'],
      ]),
      apiKeys: none,
    });
    expect(result).toEqual({ env: { NODE_ENV: 'production', NODE_EXTRA_CA_CERTS: '/etc/ca.pem' } });
  });

  it('prefers a value in env over a stored secret, and fills empty values from secrets', () => {
    const result = resolveAgentEnv({
      workspaceEnv: { OPENAI_API_KEY: 'sk-literal', GITHUB_TOKEN: '', OPTIONAL: '', OPTIONAL_SET: '' },
      agentEnv: {},
      requiredEnv: ['OPENAI_API_KEY', 'GITHUB_TOKEN'],
      secrets: new Map([
        ['OPENAI_API_KEY', 'sk-stored'],
        ['GITHUB_TOKEN', 'ghp-stored'],
        ['OPTIONAL_SET', 'stored'],
      ]),
      apiKeys: none,
    });
    expect(result).toEqual({
      env: { OPENAI_API_KEY: 'sk-literal', GITHUB_TOKEN: 'ghp-stored', OPTIONAL: '', OPTIONAL_SET: 'stored' },
    });
  });

  it('resolves {{apikey:Name}} placeholders, also inside a value, without replacement patterns', () => {
    const result = resolveAgentEnv({
      workspaceEnv: {
        OPENAI_API_KEY: '{{apikey:OpenAI}}',
        AUTH: 'Bearer {{ apikey:Gh.Token }}; again {{apikey:OpenAI}}',
      },
      agentEnv: {},
      requiredEnv: ['OPENAI_API_KEY'],
      secrets: new Map([['OPENAI_API_KEY', 'sk-stored-loses']]),
      apiKeys: new Map([
        ['OpenAI', 'sk-$&-$1'],
        ['Gh.Token', 'ghp'],
      ]),
    });
    expect(result).toEqual({ env: { OPENAI_API_KEY: 'sk-$&-$1', AUTH: 'Bearer ghp; again sk-$&-$1' } });
  });

  it('reports a missing required key for the user, without any value', () => {
    const result = resolveAgentEnv({
      workspaceEnv: { OPENAI_API_KEY: '' },
      agentEnv: { OTHER: 'visible-value' },
      requiredEnv: ['OPENAI_API_KEY'],
      secrets: new Map([['UNRELATED', 'sk-unrelated']]),
      apiKeys: none,
      agent: 'coder',
      workspace: 'shop',
    });
    expect(result).toEqual({
      missing: {
        key: 'OPENAI_API_KEY',
        reason:
          "OPENAI_API_KEY is missing for agent 'coder' in workspace 'shop': set it in the workspace's secrets or env.",
      },
    });
  });

  it('reports an unresolved or malformed placeholder', () => {
    const unresolved = resolveAgentEnv({
      workspaceEnv: {},
      agentEnv: { TOKEN: '{{apikey:Nope}}' },
      requiredEnv: [],
      secrets: new Map([['TOKEN', 'not-used']]),
      apiKeys: none,
    });
    expect(unresolved).toEqual({
      missing: {
        key: 'TOKEN',
        reason: 'TOKEN uses the API key "Nope", which is not set (Settings → API Keys).',
      },
    });
    const malformed = resolveAgentEnv({
      workspaceEnv: { TOKEN: '{{apikey:Nope' },
      agentEnv: {},
      requiredEnv: [],
      secrets: none,
      apiKeys: none,
    });
    expect(malformed).toMatchObject({
      missing: { key: 'TOKEN', reason: expect.stringMatching(/malformed/) },
    });
  });

  it('agrees with requiredSecrets about what must come from secrets', () => {
    const parsed = parse(FULL);
    const config = parsed.config as WorkspaceConfig;
    const lead = flattenAgents(config)[0];
    const result = resolveAgentEnv({
      workspaceEnv: config.env,
      agentEnv: lead.env,
      requiredEnv: ['OPENAI_API_KEY', 'GITHUB_TOKEN'],
      secrets: new Map(),
      apiKeys: new Map([['OpenAI', 'sk']]),
    });
    expect(parsed.requiredSecrets.map((s) => s.key)).toEqual(['GITHUB_TOKEN']);
    expect(result).toMatchObject({ missing: { key: 'GITHUB_TOKEN' } });
  });
});

describe('resolveWorkspaceDir', () => {
  const base: WorkspaceConfig = { name: 'x', env: {}, agents: {} };
  it('defaults to the workspace directory and resolves relative, absolute and ~ paths', () => {
    expect(resolveWorkspaceDir(base, '/ws')).toBe(path.resolve('/ws'));
    expect(resolveWorkspaceDir({ ...base, workspaceDir: 'src' }, '/ws')).toBe(path.resolve('/ws/src'));
    expect(resolveWorkspaceDir({ ...base, workspaceDir: '/abs' }, '/ws')).toBe(path.resolve('/abs'));
    expect(resolveWorkspaceDir({ ...base, workspaceDir: '~' }, '/ws', '/home/u')).toBe(
      path.resolve('/home/u'),
    );
    expect(resolveWorkspaceDir({ ...base, workspaceDir: '~/code' }, '/ws', '/home/u')).toBe(
      path.resolve('/home/u/code'),
    );
    expect(resolveWorkspaceDir({ ...base, workspaceDir: '~other' }, '/ws', '/home/u')).toBe(
      path.resolve('/ws/~other'),
    );
  });
});
