// Getting the user's attention while the window is in the background: a desktop notification when an
// agent asks a question (a high-priority one even while the window has focus) or finishes a long turn or a budget reaches 80 % or 100 % (the host alerts once
// per budget, level and month), and the count of unanswered questions in the title.
// One path for both hosts: the web Notification API works in browser mode and in Electron's renderer.
import { useEffect } from 'react';
import { useStore } from 'zustand';
import type { AppServices } from '../../app-context';
import { pendingInquiries, waitsForUser } from '../inquiries/inquiries-store';
import { budgetLabel, formatUsd } from './budget-banner';
import { navigate, paths } from './router';

/** A turn shorter than this is one the user likely watched finish; no notification for it. */
const LONG_TURN_MS = 5_000;
const APP_TITLE = 'dspatch';

export function notificationsSupported(): boolean {
  return typeof window.Notification === 'function';
}

/** Asks for permission; only ever called from a click (browsers refuse or penalise prompts on load). */
export async function requestNotificationPermission(): Promise<NotificationPermission> {
  return window.Notification.requestPermission();
}

/** Notifies about host events while the window is unfocused. Returns a stop function. */
export function watchForNotifications(services: AppServices): () => void {
  // Tracked from focus events rather than read once: a notification is due only while the user is away.
  let focused = document.hasFocus();
  const onFocus = () => {
    focused = true;
  };
  const onBlur = () => {
    focused = false;
  };
  window.addEventListener('focus', onFocus);
  window.addEventListener('blur', onBlur);

  const notifiedInquiries = new Set<string>();
  const turnStartedAt = new Map<string, number>();

  /** `always`: also while the user looks at the app (a high-priority question). */
  const notify = (title: string, body: string, hash: string, tag: string, always = false) => {
    if (!always && focused && document.visibilityState === 'visible') return;
    if (!notificationsSupported() || window.Notification.permission !== 'granted') return;
    const notification = new window.Notification(title, { body, tag });
    notification.onclick = () => {
      window.focus();
      navigate(hash);
      notification.close();
    };
  };

  const stopEvents = services.client.onEvent((event) => {
    if (event.type === 'budget.updated') {
      for (const budget of event.alerts) {
        const label = budgetLabel(budget);
        notify(
          budget.level === 'exceeded' ? `Budget used up: ${label}` : `Budget at ${Math.floor(budget.percent)}%: ${label}`,
          `${formatUsd(budget.spentUsd)} of ${formatUsd(budget.monthlyUsd)} spent this month (UTC).${budget.level === 'exceeded' ? ' New turns are refused.' : ''}`,
          paths.settings('budgets'),
          `budget-${budget.workspaceId ?? 'global'}-${budget.month}-${budget.level}`,
        );
      }
    } else if (event.type === 'inquiry.updated') {
      const { inquiry } = event;
      // Not while a supervisor agent has it: only once it reaches the user.
      if (!waitsForUser(inquiry) || notifiedInquiries.has(inquiry.id)) return;
      notifiedInquiries.add(inquiry.id);
      const high = inquiry.priority === 'high' || inquiry.priority === 'urgent';
      notify(
        high ? `${inquiry.priority === 'urgent' ? 'Urgent' : 'High priority'}: ${inquiry.agentKey} is asking you` : `${inquiry.agentKey} is asking you`,
        firstLine(inquiry.markdown),
        paths.session(inquiry.workspaceId, inquiry.sessionId),
        `inquiry-${inquiry.id}`,
        high,
      );
    } else if (event.type === 'session.updated') {
      const { session } = event;
      // A turn spans the waits for other agents and for answers; it ends back at idle (or stops).
      if (session.state === 'generating') {
        if (!turnStartedAt.has(session.id)) turnStartedAt.set(session.id, Date.now());
        return;
      }
      if (session.state.startsWith('waiting')) return;
      const startedAt = turnStartedAt.get(session.id);
      turnStartedAt.delete(session.id);
      if (session.state === 'idle' && startedAt !== undefined && Date.now() - startedAt >= LONG_TURN_MS) {
        notify(
          `${session.agentKey} finished`,
          session.title || 'The conversation is ready for you.',
          paths.session(session.workspaceId, session.id),
          `turn-${session.id}`,
        );
      }
    }
  });

  return () => {
    stopEvents();
    window.removeEventListener('focus', onFocus);
    window.removeEventListener('blur', onBlur);
  };
}

/** "(2) dspatch" while two questions wait for an answer. */
export function usePendingCountTitle(services: AppServices): void {
  const pending = useStore(services.inquiries, (s) => pendingInquiries(s.byId).length);
  useEffect(() => {
    document.title = pending > 0 ? `(${pending}) ${APP_TITLE}` : APP_TITLE;
  }, [pending]);
}

/** A notification body is one short line: the question's first line, without markdown emphasis. */
function firstLine(markdown: string): string {
  const line = markdown.trim().split('\n')[0] ?? '';
  const plain = line.replace(/[*_`#>]/g, '').trim();
  return plain.length > 140 ? `${plain.slice(0, 139)}…` : plain;
}
