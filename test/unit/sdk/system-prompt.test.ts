import { describe, expect, it } from 'vitest';
import { augmentSystemPrompt } from '../../../agents/sdk/system-prompt';
import { peerTools, sanitizeToolName } from '../../../agents/sdk/tool-names';

const workspaceDir = '/home/me/shop';

describe('augmentSystemPrompt', () => {
  it('keeps the developer prompt first and adds the workspace and inquiry sections', () => {
    const prompt = augmentSystemPrompt('You are a helpful coding assistant.', { workspaceDir, peers: [] });
    const sections = prompt.split('\n\n## ');
    expect(sections[0]).toBe('You are a helpful coding assistant.');
    expect(prompt).toContain('## Workspace');
    expect(prompt).toContain('`/home/me/shop`');
    expect(prompt).toMatch(/only inside it/);
    expect(prompt).toContain('## Inquiries\n');
    expect(prompt).not.toContain('Authority');
    expect(prompt).toContain('`send_inquiry`');
    expect(prompt).not.toContain('## Agent Coordination');
  });

  it('explains when and how to send an inquiry', () => {
    const prompt = augmentSystemPrompt('', { workspaceDir, peers: [] });
    expect(prompt.startsWith('## Workspace')).toBe(true);
    expect(prompt).toMatch(/several sound approaches/);
    expect(prompt).toMatch(/unclear/);
    expect(prompt).toMatch(/`suggestions`: 2 to 4/);
    expect(prompt).toMatch(/recommendation first/);
    expect(prompt).toMatch(/real alternative/);
    expect(prompt).toMatch(/`files`/);
    expect(prompt).toMatch(/trivia such as formatting or naming/);
  });

  it('inserts the authority verbatim, multi-line text included', () => {
    const authority =
      'You may refactor code and write tests.\nEscalate:\n- public API changes\n- schema migrations';
    const prompt = augmentSystemPrompt('Base.', { workspaceDir, authority, peers: [] });
    expect(prompt).toContain('## Inquiries & Authority');
    expect(prompt).toContain(`\n\n${authority}\n\n`);
    expect(prompt).not.toContain('## Inquiries\n');
    expect(prompt).toMatch(/Anything outside it must go to whoever oversees you/);
  });

  it('treats an empty or blank authority as none', () => {
    for (const authority of ['', '   ', null]) {
      const prompt = augmentSystemPrompt('Base.', { workspaceDir, authority, peers: [] });
      expect(prompt).toContain('## Inquiries\n');
      expect(prompt).not.toContain('Authority');
    }
  });

  it('lists one talk_to tool per peer only when there are peers', () => {
    const prompt = augmentSystemPrompt('Base.', { workspaceDir, peers: ['reviewer', 'data-bot'] });
    expect(prompt).toContain('## Agent Coordination');
    expect(prompt).toContain('- `reviewer`: `talk_to_reviewer`');
    expect(prompt).toContain('- `data-bot`: `talk_to_data_bot`');
    expect(prompt).toContain('`continue_previous_conversation`');
    expect(prompt.indexOf('## Agent Coordination')).toBeGreaterThan(prompt.indexOf('## Inquiries'));
  });

  it('tells an agent with peers how to handle an interrupting inquiry from a subordinate', () => {
    const prompt = augmentSystemPrompt('Base.', { workspaceDir, peers: ['helper'] });
    const interruptions = prompt.slice(prompt.indexOf('### Interruptions'));
    expect(prompt.indexOf('### Interruptions')).toBeGreaterThan(prompt.indexOf('## Agent Coordination'));
    for (const tool of ['receive_incoming_inquiry', 'reply_to_inquiry', 'continue_waiting_for_agent_response', 'send_inquiry']) {
      expect(interruptions).toContain(`\`${tool}\``);
    }
    expect(interruptions).toContain('`INTERRUPTED`');
    expect(interruptions).toContain('[INQUIRY FROM SUBORDINATE AGENT');
    expect(augmentSystemPrompt('Base.', { workspaceDir, peers: [] })).not.toContain('Interruptions');
  });

  it('orders the sections: prompt, workspace, inquiries, coordination', () => {
    const prompt = augmentSystemPrompt('Base.', { workspaceDir, authority: 'Anything.', peers: ['a'] });
    const headings = prompt.split('\n').filter((line) => line.startsWith('## '));
    expect(headings).toEqual(['## Workspace', '## Inquiries & Authority', '## Agent Coordination']);
  });
});

describe('tool names', () => {
  it('sanitizes to [A-Za-z0-9_] and at most 64 characters', () => {
    expect(sanitizeToolName('talk_to_data-bot.v2 x')).toBe('talk_to_data_bot_v2_x');
    expect(sanitizeToolName(`talk_to_${'a'.repeat(100)}`)).toHaveLength(64);
  });

  it('gives peers that sanitize alike distinct names and skips duplicates', () => {
    expect(peerTools(['data-bot', 'data_bot', 'data-bot', '', 'reviewer'])).toEqual([
      { peer: 'data-bot', toolName: 'talk_to_data_bot' },
      { peer: 'data_bot', toolName: 'talk_to_data_bot_2' },
      { peer: 'reviewer', toolName: 'talk_to_reviewer' },
    ]);
  });
});
