// Tools each workspace always approves ("Always approve <tool> in this workspace" on an approval
// card). Removing one makes the agents ask again before calling that tool.
import type { ApprovalRule } from '../../../electron/api/types';
import { useClient } from '../../app-context';
import { ErrorBanner } from '../../components/error-banner';
import { formatTime } from '../../components/format';
import { useHostAction } from '../../components/use-host-action';
import { useHostQuery } from '../../components/use-host-query';
import { useSectionHeading } from './use-section-heading';

export function ApprovalsSection({ focused }: { focused?: boolean }) {
  const client = useClient();
  const rules = useHostQuery(() => client.call('approvals.rules', {}), 'approvals');
  const { busy, error, setError, run } = useHostAction();
  const heading = useSectionHeading(focused);

  async function remove(rule: ApprovalRule) {
    await run(async () => {
      await client.call('approvals.removeRule', { workspaceId: rule.workspaceId, tool: rule.tool });
      rules.reload();
    });
  }

  return (
    <section className="panel" data-testid="approvals" aria-labelledby="approvals-heading">
      <div className="panel-header">
        <h2 id="approvals-heading" ref={heading} tabIndex={-1}>
          Approvals
        </h2>
      </div>
      <p className="muted small">
        Tools that ask before they run are approved without asking in the workspaces listed here. Remove one to be asked
        again.
      </p>
      {rules.error ? <ErrorBanner message={rules.error} /> : null}
      {error ? <ErrorBanner message={error} onDismiss={() => setError(null)} /> : null}
      {rules.data && rules.data.length === 0 ? (
        <p className="muted">No tool is always approved. Choose “Always approve” on an approval to add one.</p>
      ) : null}
      {rules.data && rules.data.length > 0 ? (
        <table className="table">
          <thead>
            <tr>
              <th>Workspace</th>
              <th>Tool</th>
              <th>Since</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rules.data.map((rule) => (
              <tr key={`${rule.workspaceId}:${rule.tool}`} data-testid="approval-rule-row">
                <td>{rule.workspaceName}</td>
                <td className="mono">{rule.tool}</td>
                <td>{formatTime(rule.createdAt)}</td>
                <td className="actions">
                  <button
                    type="button"
                    className="btn btn-small btn-ghost danger"
                    disabled={busy}
                    aria-label={`Remove: always approve ${rule.tool} in ${rule.workspaceName}`}
                    onClick={() => void remove(rule)}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
