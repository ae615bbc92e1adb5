// The "All workspaces / one workspace" filter of the Activity and Usage pages.
import type { ReactNode } from 'react';
import type { WorkspaceSummary } from '../../electron/api/types';

interface WorkspaceSelectProps {
  workspaces: WorkspaceSummary[] | null;
  /** null: all workspaces. */
  value: string | null;
  onChange: (workspaceId: string | null) => void;
  /** More choices after the workspaces, as <option>s. */
  children?: ReactNode;
}

export function WorkspaceSelect({ workspaces, value, onChange, children }: WorkspaceSelectProps) {
  return (
    <select
      className="input"
      value={value ?? ''}
      onChange={(event) => onChange(event.target.value || null)}
      aria-label="Workspace"
    >
      <option value="">All workspaces</option>
      {workspaces?.map((workspace) => (
        <option key={workspace.id} value={workspace.id}>
          {workspace.name}
        </option>
      ))}
      {children}
    </select>
  );
}
