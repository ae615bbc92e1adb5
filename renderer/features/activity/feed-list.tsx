// The feed's rows, virtualized: only rows near the viewport are in the DOM, so a feed of any length
// costs the same to show. Nearing the end asks for the next page.
import { memo, useEffect, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { FeedItem } from '../../../electron/api/types';
import { formatFullTime, formatTime } from '../../components/format';
import { KIND_LABELS, rowHref } from './feed-filter';

const ROW_ESTIMATE = 58;
const OVERSCAN = 6;
/** Rows from the end at which the next page is fetched. */
const PREFETCH_ROWS = 20;

const LEVEL_TAGS: Record<FeedItem['level'], string> = { debug: 'DBG', info: 'INF', warn: 'WRN', error: 'ERR' };

interface FeedListProps {
  items: FeedItem[];
  hasMore: boolean;
  loadingMore: boolean;
  onNearEnd: () => void;
}

export function FeedList({ items, hasMore, loadingMore, onNearEnd }: FeedListProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_ESTIMATE,
    getItemKey: (index) => items[index].id,
    overscan: OVERSCAN,
    initialRect: { width: window.innerWidth, height: window.innerHeight },
  });
  const virtualItems = virtualizer.getVirtualItems();
  const lastIndex = virtualItems.at(-1)?.index ?? 0;

  useEffect(() => {
    if (hasMore && !loadingMore && lastIndex >= items.length - PREFETCH_ROWS) onNearEnd();
  }, [hasMore, loadingMore, lastIndex, items.length, onNearEnd]);

  return (
    <div ref={scrollRef} className="feed-scroll" data-testid="activity-feed">
      <div role="list" aria-label="Activity" className="feed-inner" style={{ height: virtualizer.getTotalSize() }}>
        {virtualItems.map((virtual) => (
          <div
            key={virtual.key}
            role="listitem"
            data-index={virtual.index}
            ref={virtualizer.measureElement}
            className="feed-row-frame"
            style={{ transform: `translateY(${virtual.start}px)` }}
          >
            <FeedRow item={items[virtual.index]} />
          </div>
        ))}
      </div>
      {hasMore ? (
        <div className="feed-more">
          <button type="button" className="btn btn-small" disabled={loadingMore} onClick={onNearEnd}>
            {loadingMore ? 'Loading older activity…' : 'Load older activity'}
          </button>
        </div>
      ) : null}
    </div>
  );
}

const FeedRow = memo(function FeedRow({ item }: { item: FeedItem }) {
  const href = rowHref(item);
  const status = item.kind === 'tool' && item.status !== 'ok' ? item.status : null;
  const body = (
    <>
      <span className="feed-time mono" title={formatFullTime(item.createdAt)}>
        {formatTime(item.createdAt)}
      </span>
      <span className={`log-level level-${item.level}`}>{LEVEL_TAGS[item.level]}</span>
      <span className="feed-main">
        <span className="feed-head">
          <span className={`feed-kind kind-${item.kind}`}>{KIND_LABELS[item.kind]}</span>
          <span className="feed-title">{item.title}</span>
          {status ? <span className={`feed-status status-${status}`}>{status === 'error' ? 'failed' : status}</span> : null}
          <span className="feed-agent">{item.agentKey ?? 'dspatch'}</span>
        </span>
        {item.text ? <span className="feed-text mono">{item.text}</span> : null}
        {item.detail ? <span className="feed-detail mono">→ {item.detail}</span> : null}
      </span>
    </>
  );
  return href ? (
    <a className={`feed-row level-${item.level}`} href={href} data-kind={item.kind}>
      {body}
    </a>
  ) : (
    <div className={`feed-row level-${item.level}`} data-kind={item.kind}>
      {body}
    </div>
  );
});
