// Every question agents are waiting on, across workspaces, answerable here; answered ones stay
// browsable under Answered and All.
import { useEffect, useId, useState } from 'react';
import { useStore } from 'zustand';
import type { InquirySummary } from '../../../electron/api/types';
import { useServices } from '../../app-context';
import { EmptyState } from '../../components/empty-state';
import { ErrorBanner } from '../../components/error-banner';
import { timeAgo } from '../../components/format';
import { paths } from '../shell/router';
import { ApprovalCard } from './approval-card';
import { InquiryCard } from './inquiry-card';
import { InquiryForwarding } from './inquiry-forwarding';
import { pendingInquiries } from './inquiries-store';

type Filter = 'pending' | 'answered' | 'all';
const FILTERS: { value: Filter; label: string }[] = [
  { value: 'pending', label: 'Pending' },
  { value: 'answered', label: 'Answered' },
  { value: 'all', label: 'All' },
];

function shown(byId: Record<string, InquirySummary>, filter: Filter): InquirySummary[] {
  if (filter === 'pending') return pendingInquiries(byId);
  // History reads newest first.
  return Object.values(byId)
    .filter((inquiry) => filter === 'all' || inquiry.status === filter)
    .sort((a, b) => b.createdAt - a.createdAt);
}

export function InquiriesPage() {
  const { inquiries, workspaces } = useServices();
  const byId = useStore(inquiries, (s) => s.byId);
  const loaded = useStore(inquiries, (s) => s.loaded);
  const error = useStore(inquiries, (s) => s.error);
  const list = useStore(workspaces, (s) => s.list);
  const [filter, setFilter] = useState<Filter>('pending');
  const filterName = useId();
  const visible = shown(byId, filter);
  const historyWanted = filter !== 'pending';
  useEffect(() => {
    if (historyWanted) void inquiries.getState().loadHistory();
  }, [historyWanted, inquiries]);
  const nameOf = (workspaceId: string) =>
    list?.find((workspace) => workspace.id === workspaceId)?.name ?? 'workspace';

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Inquiries</h1>
          <p className="page-subtitle">
            Questions your agents asked you. Pending ones wait until you answer.
          </p>
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
      <div className="segmented" role="radiogroup" aria-label="Show questions">
        {FILTERS.map(({ value, label }) => (
          <label key={value} className={`segment${filter === value ? ' active' : ''}`}>
            <input
              type="radio"
              name={filterName}
              value={value}
              checked={filter === value}
              onChange={() => setFilter(value)}
            />
            {label}
          </label>
        ))}
      </div>
      {!loaded ? <div className="loading-line">Loading…</div> : null}
      {loaded && visible.length === 0 && filter === 'pending' ? (
        <EmptyState title="Nothing is waiting for you">
          When an agent needs a decision it asks here and in its conversation. You can answer with one of its
          suggestions or in your own words.
        </EmptyState>
      ) : null}
      {loaded && visible.length === 0 && filter !== 'pending' ? (
        <EmptyState title={filter === 'answered' ? 'No answered questions yet' : 'No questions yet'}>
          Questions you answer stay here, with your answer.
        </EmptyState>
      ) : null}
      <div className="inquiry-list" data-testid="inquiry-list">
        {visible.map((inquiry) => {
          const heading = (
            <>
              <a href={paths.session(inquiry.workspaceId, inquiry.sessionId)}>
                {inquiry.agentKey} · {nameOf(inquiry.workspaceId)}
              </a>
              <span className="muted small"> · {timeAgo(inquiry.createdAt)}</span>
            </>
          );
          return inquiry.approval ? (
            <ApprovalCard key={inquiry.id} testId="inquiry-card" view={{ ...inquiry, approval: inquiry.approval }} heading={heading} />
          ) : (
            <InquiryCard
              key={inquiry.id}
              testId="inquiry-card"
              inquiry={inquiry}
              heading={heading}
              footer={<InquiryForwarding inquiry={inquiry} />}
            />
          );
        })}
      </div>
    </div>
  );
}
