// Left navigation. Counts come from the app-wide stores, so they stay live.
import { useStore } from 'zustand';
import { useServices } from '../../app-context';
import { pendingInquiries } from '../inquiries/inquiries-store';
import type { Route } from './router';
import { paths } from './router';

interface NavItem {
  id: string;
  label: string;
  href: string;
  icon: string;
  active: (route: Route) => boolean;
}

const ITEMS: NavItem[] = [
  {
    id: 'workspaces',
    label: 'Workspaces',
    href: paths.workspaces(),
    icon: '▦',
    active: (r) => r.page === 'workspaces' || r.page === 'workspace' || r.page === 'session',
  },
  {
    id: 'external',
    label: 'External sessions',
    href: paths.externalSessions(),
    icon: '⇄',
    active: (r) => r.page === 'external' || r.page === 'external-session',
  },
  {
    id: 'inquiries',
    label: 'Inquiries',
    href: paths.inquiries(),
    icon: '?',
    active: (r) => r.page === 'inquiries',
  },
  {
    id: 'activity',
    label: 'Activity',
    href: paths.activity(),
    icon: '≡',
    active: (r) => r.page === 'activity',
  },
  { id: 'usage', label: 'Usage', href: paths.usage(), icon: '◔', active: (r) => r.page === 'usage' },
  {
    id: 'settings',
    label: 'Settings',
    href: paths.settings(),
    icon: '⚙',
    active: (r) => r.page === 'settings',
  },
];

export function Sidebar({ route }: { route: Route }) {
  const { workspaces, inquiries } = useServices();
  const workspaceCount = useStore(workspaces, (s) => s.list?.length ?? null);
  const pendingCount = useStore(inquiries, (s) => pendingInquiries(s.byId).length);

  return (
    <nav className="sidebar" aria-label="Main">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">
          d:
        </span>
        <span className="brand-name">dspatch</span>
      </div>
      <a className="btn btn-primary sidebar-new" href={paths.newWorkspace()} data-testid="nav-new-workspace">
        + New workspace
      </a>
      <ul className="nav-list">
        {ITEMS.map((item) => {
          const active = item.active(route);
          return (
            <li key={item.id}>
              <a
                href={item.href}
                className={`nav-link${active ? ' active' : ''}`}
                aria-current={active ? 'page' : undefined}
                data-testid={`nav-${item.id}`}
              >
                <span className="nav-icon" aria-hidden="true">
                  {item.icon}
                </span>
                <span className="nav-label">{item.label}</span>
                {item.id === 'workspaces' && workspaceCount !== null ? (
                  <span className="nav-count" data-testid="nav-workspaces-count">
                    {workspaceCount}
                  </span>
                ) : null}
                {item.id === 'inquiries' && pendingCount > 0 ? (
                  <span
                    className="nav-badge"
                    data-testid="nav-inquiries-badge"
                    aria-label={`${pendingCount} pending`}
                  >
                    {pendingCount}
                  </span>
                ) : null}
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
