// The conversation, virtualized: only rows near the viewport are in the DOM, each measured as it
// renders. The list is anchored to its end: while the user is at the bottom it follows new rows
// and a growing streaming message; once they scroll up it stays put, and "Jump to latest" brings
// them back. Loading earlier entries keeps the row being read in place.
//
// Opening a long session renders only what fills the window: the list starts at its end (the
// first render already shows the last rows), keeps one row beyond the viewport on each side, and
// estimates unmeasured rows from their content so the end it starts at is close to the real one.
import { useCallback, useEffect, useMemo, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useStore } from 'zustand';
import type { SessionState } from '../../../electron/api/types';
import { EmptyState } from '../../components/empty-state';
import { ErrorRow, PeerTalkRow, TalkRow } from './activity-rows';
import { InquiryRow } from './inquiry-row';
import { MessageRow } from './message-row';
import type { SessionStore } from './session-store';
import { ThinkingRow } from './thinking-row';
import { estimateRowHeight } from './estimate-height';
import { buildRows, resendActions, rowEntryIds } from './timeline-rows';
import type { TimelineRow } from './timeline-rows';
import { ToolCallRow } from './tool-call-row';

/** Room above the first row for "Load earlier" — padding, not a row, so prepending keeps the anchor on an entry. */
const HEADER_HEIGHT = 44;
const PADDING_END = 12;
/** Within this many pixels of the end counts as "at the bottom". */
const END_THRESHOLD = 48;
/** Rows rendered beyond the viewport on each side (a reply is often taller than a keyboard scroll step). */
const OVERSCAN = 1;

/** The id a row's open/closed state is kept under. */
function rowId(row: TimelineRow): string {
  if (row.kind === 'tool') return (row.call ?? row.result)?.id ?? row.key;
  return row.kind === 'peer' ? row.request.id : row.entry.id;
}

/** States in which the agent may still deliver a pending tool result. */
const WORKING_STATES: ReadonlySet<SessionState | null> = new Set([
  null,
  'generating',
  'waiting_for_agent',
  'waiting_for_inquiry',
]);

export function Timeline({
  store,
  width: listWidth,
  sessionState,
  workspaceId,
  onResend,
}: {
  store: SessionStore;
  /** The list's width, 0 until it is known. */
  width: number;
  sessionState: SessionState | null;
  workspaceId: string;
  /** Retry, Regenerate and Edit; absent for a conversation the app only shows. */
  onResend?: (text?: string) => void;
}) {
  const status = useStore(store, (s) => s.status);
  const entries = useStore(store, (s) => s.entries);
  const hasMore = useStore(store, (s) => s.hasMore);
  const loadingEarlier = useStore(store, (s) => s.loadingEarlier);
  const expanded = useStore(store, (s) => s.expanded);
  const toggle = useStore(store, (s) => s.toggleExpanded);
  const highlight = useStore(store, (s) => s.highlight);
  const live = WORKING_STATES.has(sessionState);
  const rows = useMemo(() => buildRows(entries, live), [entries, live]);
  // Only while the agent rests: a turn still running has nothing to retry yet.
  const actions = useMemo(() => (live || !onResend ? null : resendActions(entries)), [entries, live, onResend]);
  const scrollRef = useRef<HTMLDivElement>(null);
  // The same width from the first render on: estimates that changed once the list is mounted
  // would move every row and the end the list started at.
  const width = listWidth || window.innerWidth;
  const estimate = (index: number) => {
    const row = rows[index];
    return estimateRowHeight(row, width, !!expanded[rowId(row)]);
  };

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: estimate,
    getItemKey: (index) => rows[index].key,
    paddingStart: HEADER_HEIGHT,
    overscan: OVERSCAN,
    anchorTo: 'end',
    followOnAppend: true,
    scrollEndThreshold: END_THRESHOLD,
    paddingEnd: PADDING_END,
    // Start at the end: the first render is of the last rows, not of the first ones.
    initialRect: { width, height: window.innerHeight },
    initialOffset: () => {
      let total = HEADER_HEIGHT + PADDING_END;
      for (let index = 0; index < rows.length; index++) total += estimate(index);
      return Math.max(0, total - window.innerHeight);
    },
  });

  // Keep the end in view while the rows there are measured.
  const ready = status === 'ready';
  useEffect(() => {
    if (ready) virtualizer.scrollToEnd();
    // Only on the transition to ready; later growth is followed by the anchor.
  }, [ready, virtualizer]);

  // Scroll once per focus (its key), after the rows that hold the target have rendered.
  const scrolledFor = useRef(0);
  useEffect(() => {
    if (!highlight?.target || scrolledFor.current === highlight.key) return;
    const target = highlight.target;
    const index = rows.findIndex((row) => rowEntryIds(row).includes(target));
    if (index === -1) return;
    scrolledFor.current = highlight.key;
    virtualizer.scrollToIndex(index, { align: 'center' });
  }, [highlight, rows, virtualizer]);
  const isHighlighted = (row: TimelineRow) =>
    !!highlight && rowEntryIds(row).some((id) => highlight.ids.has(id));

  const atEnd = rows.length === 0 || virtualizer.isAtEnd(END_THRESHOLD);
  const jumpToLatest = useCallback(() => virtualizer.scrollToEnd({ behavior: 'smooth' }), [virtualizer]);
  const waiting = sessionState === 'waiting_for_inquiry';

  function renderRow(row: TimelineRow) {
    switch (row.kind) {
      case 'message':
        return (
          <MessageRow
            entry={row.entry}
            afterPrompt={row.afterPrompt}
            actions={actions?.get(row.entry.id) ?? null}
            onResend={onResend}
          />
        );
      case 'tool':
        return (
          <ToolCallRow
            call={row.call}
            result={row.result}
            status={row.status}
            expanded={!!expanded[rowId(row)]}
            onToggle={toggle}
          />
        );
      case 'thinking':
        return <ThinkingRow entry={row.entry} expanded={!!expanded[row.entry.id]} onToggle={toggle} />;
      case 'inquiry':
        return <InquiryRow entry={row.entry} response={row.response} sessionWaiting={waiting} />;
      case 'peer':
        return (
          <PeerTalkRow
            request={row.request}
            response={row.response}
            result={row.result}
            status={row.status}
            workspaceId={workspaceId}
            expanded={!!expanded[row.request.id]}
            onToggle={toggle}
          />
        );
      case 'talk':
        return <TalkRow entry={row.entry} expanded={!!expanded[row.entry.id]} onToggle={toggle} />;
      case 'error':
        return <ErrorRow entry={row.entry} />;
    }
  }

  return (
    <div className="timeline-frame">
      <div
        ref={scrollRef}
        className="timeline-scroll"
        tabIndex={0}
        aria-label="Conversation"
        data-testid="timeline"
      >
        <div className="timeline-inner" style={{ height: virtualizer.getTotalSize() }}>
          <TimelineHeader
            hasMore={hasMore}
            loading={loadingEarlier}
            empty={rows.length === 0}
            onLoad={() => void store.getState().loadEarlier()}
          />
          {virtualizer.getVirtualItems().map((item) => (
            <div
              key={item.key}
              data-index={item.index}
              ref={virtualizer.measureElement}
              className={`timeline-row${isHighlighted(rows[item.index]) ? ' highlighted' : ''}`}
              style={{ transform: `translateY(${item.start}px)` }}
            >
              {renderRow(rows[item.index])}
            </div>
          ))}
        </div>
        {ready && rows.length === 0 ? (
          <div className="timeline-empty">
            <EmptyState title="No messages yet">
              Your messages, the agent's replies, its tool calls and any questions it asks you will appear
              here. Write below to start.
            </EmptyState>
          </div>
        ) : null}
      </div>
      {!atEnd ? (
        <button type="button" className="jump-latest" onClick={jumpToLatest} data-testid="jump-to-latest">
          ↓ Jump to latest
        </button>
      ) : null}
    </div>
  );
}

function TimelineHeader({
  hasMore,
  loading,
  empty,
  onLoad,
}: {
  hasMore: boolean;
  loading: boolean;
  empty: boolean;
  onLoad: () => void;
}) {
  if (hasMore) {
    return (
      <div className="timeline-header">
        <button
          type="button"
          className="btn btn-small"
          onClick={onLoad}
          disabled={loading}
          data-testid="load-earlier"
        >
          {loading ? 'Loading…' : 'Load earlier messages'}
        </button>
      </div>
    );
  }
  if (empty) return <div className="timeline-header" />;
  return <div className="timeline-header muted small">Beginning of the conversation</div>;
}
