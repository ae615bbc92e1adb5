// Who is waiting on whom through talk_to, for the open conversation: the agents that called it (its
// parent conversations, up to the first) and the ones it is waiting on now (down the chain), e.g.
// "lead → helper → worker". Shown only when the conversation is part of a chain.
import { useStore } from 'zustand';
import type { SessionSummary } from '../../../electron/api/types';
import { useServices } from '../../app-context';
import { paths } from '../shell/router';
import './talk-chain.css';

const NO_SESSIONS: SessionSummary[] = [];
const BUSY = new Set(['generating', 'waiting_for_agent', 'waiting_for_inquiry']);

/** The chain through `sessionId`: its callers first (oldest caller first), then the callees it waits on. */
export function talkChain(sessionId: string, sessions: readonly SessionSummary[]): SessionSummary[] {
  const byId = new Map(sessions.map((session) => [session.id, session]));
  const self = byId.get(sessionId);
  if (!self) return [];
  const chain = [self];
  const seen = new Set([self.id]);
  for (let up = self.parentSessionId ? byId.get(self.parentSessionId) : undefined; up && !seen.has(up.id); ) {
    chain.unshift(up);
    seen.add(up.id);
    up = up.parentSessionId ? byId.get(up.parentSessionId) : undefined;
  }
  for (let down: SessionSummary | undefined = self; down?.state === 'waiting_for_agent'; ) {
    const current: SessionSummary = down;
    const callee = sessions
      .filter((item) => item.parentSessionId === current.id && BUSY.has(item.state) && !seen.has(item.id))
      .sort((a, b) => b.updatedAt - a.updatedAt)[0];
    if (!callee) break;
    chain.push(callee);
    seen.add(callee.id);
    down = callee;
  }
  return chain.length > 1 ? chain : [];
}

/** The agents a talk_to waits on from its callee down, as text: "helper → worker". */
export function waitingChain(calleeId: string, sessions: readonly SessionSummary[]): string {
  const chain = talkChain(calleeId, sessions);
  const at = chain.findIndex((session) => session.id === calleeId);
  const below = at === -1 ? [] : chain.slice(at);
  return below.length ? below.map((session) => session.agentKey).join(' → ') : (sessions.find((session) => session.id === calleeId)?.agentKey ?? 'the agent');
}

function waitWords(session: SessionSummary, next: SessionSummary | undefined): string {
  if (session.state === 'waiting_for_agent') return next ? `waiting for ${next.agentKey}` : 'waiting for an agent';
  if (session.state === 'waiting_for_inquiry') return 'waiting for an answer';
  return session.state === 'generating' ? 'generating' : session.state;
}

export function TalkChain({ sessionId, workspaceId }: { sessionId: string; workspaceId: string }) {
  const { sessions } = useServices();
  const list = useStore(sessions, (s) => s.byWorkspace[workspaceId] ?? NO_SESSIONS);
  const chain = talkChain(sessionId, list);
  if (!chain.length) return null;
  const summary = chain.map((session, i) => `${session.agentKey} (${waitWords(session, chain[i + 1])})`).join(' → ');
  return (
    <nav className="talk-chain muted small" aria-label={`talk_to chain: ${summary}`} data-testid="talk-chain">
      {chain.map((session, i) => (
        <span key={session.id}>
          {i > 0 ? ' → ' : ''}
          {session.id === sessionId ? (
            <strong aria-current="page">{session.agentKey}</strong>
          ) : (
            <a href={paths.session(workspaceId, session.id)}>{session.agentKey}</a>
          )}{' '}
          <span className={`state-text state-${session.state}`}>({waitWords(session, chain[i + 1])})</span>
        </span>
      ))}
    </nav>
  );
}
