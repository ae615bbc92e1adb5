// App-wide keyboard shortcuts and the sheet listing them (`?`). Ctrl on Linux and Windows, Cmd on
// macOS. None fires while the user types in a field, except Escape (stop the agent).
import { useEffect, useId, useRef, useState } from 'react';
import type { AppServices } from '../../app-context';
import { flattenAgents } from '../workspaces/agent-tree';
import type { Route } from './router';
import { navigate, parseRoute, paths } from './router';

const IS_MAC = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
const MOD = IS_MAC ? '⌘' : 'Ctrl';

/** What the sheet lists; the handler below is the one place that acts on them. */
const SHORTCUTS: { keys: string[]; action: string }[] = [
  { keys: [MOD, 'Shift', 'O'], action: 'New conversation with the current agent' },
  { keys: [MOD, 'K'], action: 'Search all conversations' },
  { keys: ['Esc'], action: 'Stop the agent of the open conversation' },
  { keys: [MOD, 'Shift', '↓'], action: 'Next conversation' },
  { keys: [MOD, 'Shift', '↑'], action: 'Previous conversation' },
  { keys: ['?'], action: 'Show these shortcuts' },
];

const ACTIVE_STATES = new Set(['generating', 'waiting_for_agent', 'waiting_for_inquiry']);

/** Listens for the shortcuts; returns whether the sheet and the search are open and how to close them. */
export function useShortcuts(services: AppServices): { sheetOpen: boolean; closeSheet: () => void; searchOpen: boolean; closeSearch: () => void } {
  const [sheetOpen, setSheetOpen] = useState(false);
  const [searchOpen, setSearchOpen] = useState(false);

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return;
      const currentRoute = parseRoute(window.location.hash);
      if (event.key === 'Escape') {
        // An open dialog takes Escape for itself.
        if (document.querySelector('dialog[open]')) return;
        if (stopCurrentAgent(currentRoute, services)) event.preventDefault();
        return;
      }
      if (isTyping(event.target)) return;
      const mod = IS_MAC ? event.metaKey && !event.ctrlKey : event.ctrlKey && !event.metaKey;
      const key = event.key.toLowerCase();
      if (!mod && !event.altKey && event.key === '?') {
        event.preventDefault();
        setSheetOpen(true);
      } else if (mod && event.shiftKey && !event.altKey && key === 'o') {
        event.preventDefault();
        void newConversation(currentRoute, services);
      } else if (mod && !event.shiftKey && !event.altKey && key === 'k') {
        event.preventDefault();
        setSearchOpen(true);
      } else if (mod && event.shiftKey && !event.altKey && (key === 'arrowdown' || key === 'arrowup')) {
        event.preventDefault();
        stepConversation(currentRoute, key === 'arrowdown' ? 1 : -1);
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [services]);

  return { sheetOpen, closeSheet: () => setSheetOpen(false), searchOpen, closeSearch: () => setSearchOpen(false) };
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (
    target.isContentEditable ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement
  ) {
    return true;
  }
  return (
    target instanceof HTMLInputElement &&
    !['button', 'checkbox', 'radio', 'submit', 'reset', 'range', 'color', 'file'].includes(target.type)
  );
}

function stopCurrentAgent(route: Route, services: AppServices): boolean {
  if (route.page !== 'session') return false;
  const session = services.sessions
    .getState()
    .byWorkspace[route.workspaceId]?.find((item) => item.id === route.sessionId);
  if (!session || !ACTIVE_STATES.has(session.state)) return false;
  // A failed stop shows in the conversation as the agent keeps going; nothing to add here.
  services.client.call('sessions.interrupt', { sessionId: session.id }).catch(() => undefined);
  return true;
}

/** With the open conversation's agent, or the workspace's first agent when none is open. */
async function newConversation(route: Route, services: AppServices): Promise<void> {
  if (route.page !== 'session' && route.page !== 'workspace') return;
  const { workspaceId } = route;
  const current =
    route.page === 'session'
      ? services.sessions.getState().byWorkspace[workspaceId]?.find((item) => item.id === route.sessionId)
      : undefined;
  const detail = services.workspaces.getState().details[workspaceId];
  const agentKey = current?.agentKey ?? (detail ? flattenAgents(detail.agents)[0]?.node.key : undefined);
  if (!agentKey) return;
  try {
    const session = await services.client.call('sessions.create', { workspaceId, agentKey });
    services.sessions.getState().upsert(session);
    navigate(paths.session(workspaceId, session.id));
  } catch {
    // The workspace is not running or the agent is gone: the + button beside the agent says why.
  }
}

/** Moves through the conversations in the order the list shows them (grouped by agent). */
function stepConversation(route: Route, step: 1 | -1): void {
  const links = [...document.querySelectorAll<HTMLAnchorElement>('.agent-list a[data-session-id]')];
  if (links.length === 0) return;
  // From the URL, not the list's highlight: the list may not have re-rendered after a navigation yet.
  const currentId = route.page === 'session' ? route.sessionId : null;
  const at = links.findIndex((link) => link.dataset.sessionId === currentId);
  const next = at === -1 ? (step === 1 ? 0 : links.length - 1) : (at + step + links.length) % links.length;
  navigate(links[next].getAttribute('href') ?? '');
  links[next].focus();
}

export function ShortcutsSheet({ open, onClose }: { open: boolean; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      className="dialog shortcuts-sheet"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <h2 className="dialog-title" id={titleId}>
        Keyboard shortcuts
      </h2>
      <table className="shortcuts-table">
        <tbody>
          {SHORTCUTS.map((shortcut) => (
            <tr key={shortcut.action}>
              <td>
                {shortcut.keys.map((key, index) => (
                  <span key={key}>
                    {index > 0 ? ' + ' : null}
                    <kbd>{key}</kbd>
                  </span>
                ))}
              </td>
              <td>{shortcut.action}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">Shortcuts wait while you type in a field, except Esc.</p>
      <div className="dialog-actions">
        <button type="button" className="btn btn-primary" onClick={onClose} autoFocus>
          Close
        </button>
      </div>
    </dialog>
  );
}
