// The shell: sidebar, connection banner and the page the hash route names.
import { useEffect, useState } from 'react';
import type { Connection } from './api/connect';
import { forgetAccessToken } from './api/access-token';
import { ServicesProvider, useServices } from './app-context';
import type { AppServices } from './app-context';
import { ActivityPage } from './features/activity/activity-page';
import { ExternalSessionPage } from './features/external/external-session-page';
import { ExternalSessionsPage } from './features/external/external-sessions-page';
import { InquiriesPage } from './features/inquiries/inquiries-page';
import { NewWorkspacePage } from './features/new-workspace/new-workspace-page';
import { SettingsPage } from './features/settings/settings-page';
import { AuthRequired } from './features/shell/auth-required';
import { BudgetBanner } from './features/shell/budget-banner';
import { ConnectionBanner } from './features/shell/connection-banner';
import { usePendingCountTitle, watchForNotifications } from './features/shell/notifications';
import { useRoute } from './features/shell/router';
import type { Route } from './features/shell/router';
import { SearchDialog } from './features/search/search-dialog';
import { ShortcutsSheet, useShortcuts } from './features/shell/shortcuts';
import { Sidebar } from './features/shell/sidebar';
import { UsagePage } from './features/usage/usage-page';
import { SessionLink } from './features/workspaces/session-link';
import { WorkspaceView } from './features/workspaces/workspace-view';
import { WorkspacesPage } from './features/workspaces/workspaces-page';

/** Services are created once, outside React, so StrictMode's double render does not double them. */
export function Root({ connection, services }: { connection: Connection; services: AppServices | null }) {
  const [refused, setRefused] = useState(false);

  useEffect(() => {
    if (connection.kind !== 'ws') return;
    return connection.ws.onAuthFailure(() => {
      // A refused token is useless on reload too.
      forgetAccessToken();
      setRefused(true);
    });
  }, [connection]);

  if (!services || refused) return <AuthRequired refused={refused} />;
  return (
    <ServicesProvider value={services}>
      <App />
    </ServicesProvider>
  );
}

function App() {
  const route = useRoute();
  const services = useServices();
  useAppData();
  usePendingCountTitle(services);
  useEffect(() => watchForNotifications(services), [services]);
  const shortcuts = useShortcuts(services);

  return (
    <div className="shell">
      <Sidebar route={route} />
      <div className="main">
        <ConnectionBanner />
        <BudgetBanner />
        <Page route={route} />
      </div>
      <ShortcutsSheet open={shortcuts.sheetOpen} onClose={shortcuts.closeSheet} />
      <SearchDialog open={shortcuts.searchOpen} onClose={shortcuts.closeSearch} />
    </div>
  );
}

/** Loads the app-wide lists, and again after a reconnect (events may have been missed). */
function useAppData() {
  const services: AppServices = useServices();
  useEffect(() => {
    const refreshAll = () => {
      void services.workspaces.getState().refresh();
      void services.inquiries.getState().refresh();
      const { byWorkspace } = services.sessions.getState();
      for (const workspaceId of Object.keys(byWorkspace)) void services.sessions.getState().load(workspaceId);
      for (const workspaceId of Object.keys(services.workspaces.getState().details)) {
        void services.workspaces.getState().loadDetail(workspaceId);
      }
    };
    refreshAll();
    let wasDown = false;
    return services.client.onConnectionChange?.((connected) => {
      if (!connected) wasDown = true;
      else if (wasDown) {
        wasDown = false;
        refreshAll();
      }
    });
  }, [services]);
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'workspaces':
      return <WorkspacesPage />;
    case 'workspace':
      return (
        <WorkspaceView
          workspaceId={route.workspaceId}
          tab={route.tab}
          focusKey={route.focusKey}
          sessionId={null}
          sessionFocus={null}
        />
      );
    case 'session':
      return (
        <WorkspaceView
          workspaceId={route.workspaceId}
          tab="overview"
          focusKey={null}
          sessionId={route.sessionId}
          sessionFocus={route.focus}
        />
      );
    case 'session-link':
      return <SessionLink sessionId={route.sessionId} focus={route.focus} />;
    case 'external':
      return <ExternalSessionsPage />;
    case 'external-session':
      return <ExternalSessionPage sessionId={route.sessionId} focus={route.focus} />;
    case 'new':
      return <NewWorkspacePage />;
    case 'inquiries':
      return <InquiriesPage />;
    case 'activity':
      return <ActivityPage filter={route.filter} />;
    case 'usage':
      return <UsagePage />;
    case 'settings':
      return <SettingsPage section={route.section} model={route.model} />;
  }
}
