// Conversation links: the workspace-scoped one keeps working beside the id-only one.
import { describe, expect, it } from 'vitest';
import { parseRoute, paths } from '../../../renderer/features/shell/router';

describe('conversation routes', () => {
  it('parses both links to a conversation, with a focus', () => {
    expect(parseRoute(paths.session('ws 1', 's/1', { kind: 'entry', id: 'e1' }))).toEqual({
      page: 'session',
      workspaceId: 'ws 1',
      sessionId: 's/1',
      focus: { kind: 'entry', id: 'e1' },
    });
    expect(parseRoute(paths.sessionLink('s/1', { kind: 'task', id: 't1' }))).toEqual({
      page: 'session-link',
      sessionId: 's/1',
      focus: { kind: 'task', id: 't1' },
    });
    expect(parseRoute('#/sessions')).toEqual({ page: 'workspaces' });
  });
});
