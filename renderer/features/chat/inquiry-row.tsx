// An `inquiry.request` in the timeline, answerable in place. Its status comes from the inquiries
// store (live via `inquiry.updated`), or from a matching `inquiry.response` activity.
import { memo } from 'react';
import { useStore } from 'zustand';
import type { TimelineActivity } from '../../../electron/api/types';
import { useServices } from '../../app-context';
import { ApprovalCard } from '../inquiries/approval-card';
import { approvalFromData } from '../inquiries/approval-data';
import { InquiryCard } from '../inquiries/inquiry-card';
import type { InquiryView } from '../inquiries/inquiry-card';
import { SupervisorAnsweredRow } from '../inquiries/inquiry-forwarding';
import { stringField } from './timeline-rows';

interface InquiryRowProps {
  entry: TimelineActivity;
  response: TimelineActivity | null;
  /** The session is waiting for an answer: an inquiry the store does not know yet is still open. */
  sessionWaiting: boolean;
}

export const InquiryRow = memo(function InquiryRow({ entry, response, sessionWaiting }: InquiryRowProps) {
  const { inquiries } = useServices();
  const inquiryId = stringField(entry.data, 'inquiryId') ?? entry.id;
  const known = useStore(inquiries, (s) => s.byId[inquiryId]);
  const suggestions = Array.isArray(entry.data.suggestions)
    ? entry.data.suggestions.filter((item): item is string => typeof item === 'string')
    : [];
  const files = Array.isArray(entry.data.files)
    ? entry.data.files.filter((item): item is string => typeof item === 'string')
    : [];
  const fromResponse = response ? (stringField(response.data, 'text', 'response') ?? '') : null;

  const view: InquiryView = known
    ? {
        id: known.id,
        markdown: known.markdown,
        suggestions: known.suggestions,
        files: known.files,
        status: known.status,
        responseText: known.responseText,
        priority: known.priority,
        expiresAt: known.expiresAt,
      }
    : {
        id: inquiryId,
        markdown: stringField(entry.data, 'markdown', 'text') ?? '',
        suggestions,
        files,
        status: response
          ? response.data.expired === true
            ? 'expired'
            : response.data.error
              ? 'cancelled'
              : 'answered'
          : sessionWaiting
            ? 'pending'
            : 'closed',
        responseText: fromResponse,
      };
  if (known && known.status === 'pending' && response) {
    view.status = response.data.expired === true ? 'expired' : 'answered';
    view.responseText = fromResponse;
  }
  const approval = known?.approval ?? approvalFromData(entry.data);
  if (approval) {
    return <ApprovalCard view={{ id: view.id, approval, status: view.status, responseText: view.responseText }} />;
  }
  // Answered by the agent's supervisor, not by the user: one compact row.
  const answeredBy = known?.answeredByAgent ?? (response ? stringField(response.data, 'answeredBy') : null);
  if (answeredBy && view.status === 'answered') {
    return <SupervisorAnsweredRow markdown={view.markdown} answeredBy={answeredBy} responseText={view.responseText} />;
  }
  return <InquiryCard inquiry={view} />;
});
