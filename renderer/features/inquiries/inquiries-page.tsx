// Every question agents are waiting on, across workspaces, answerable here.
import { useStore } from 'zustand';
import { useServices } from '../../app-context';
import { EmptyState } from '../../components/empty-state';
import { ErrorBanner } from '../../components/error-banner';
import { timeAgo } from '../../components/format';
import { paths } from '../shell/router';
import { InquiryCard } from './inquiry-card';
import { pendingInquiries } from './inquiries-store';

export function InquiriesPage() {
  const { inquiries, workspaces } = useServices();
  const byId = useStore(inquiries, (s) => s.byId);
  const loaded = useStore(inquiries, (s) => s.loaded);
  const error = useStore(inquiries, (s) => s.error);
  const list = useStore(workspaces, (s) => s.list);
  const pending = pendingInquiries(byId);
  const nameOf = (workspaceId: string) =>
    list?.find((workspace) => workspace.id === workspaceId)?.name ?? 'workspace';

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Inquiries</h1>
          <p className="page-subtitle">Questions your agents asked you. They wait until you answer.</p>
        </div>
      </header>
      {error ? (
        <ErrorBanner
          message={error}
          action={
            <button
              type="button"
              className="btn btn-small"
              onClick={() => void inquiries.getState().refresh()}
            >
              Retry
            </button>
          }
        />
      ) : null}
      {!loaded ? <div className="loading-line">Loading…</div> : null}
      {loaded && pending.length === 0 ? (
        <EmptyState title="Nothing is waiting for you">
          When an agent needs a decision it asks here and in its conversation. You can answer with one of its
          suggestions or in your own words.
        </EmptyState>
      ) : null}
      <div className="inquiry-list" data-testid="inquiry-list">
        {pending.map((inquiry) => (
          <InquiryCard
            key={inquiry.id}
            testId="inquiry-card"
            inquiry={inquiry}
            heading={
              <>
                <a href={paths.session(inquiry.workspaceId, inquiry.sessionId)}>
                  {inquiry.agentKey} · {nameOf(inquiry.workspaceId)}
                </a>
                <span className="muted small"> · {timeAgo(inquiry.createdAt)}</span>
              </>
            }
          />
        ))}
      </div>
    </div>
  );
}
