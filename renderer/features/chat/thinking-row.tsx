// The model's reasoning summary: dimmed, collapsed to one line until opened.
import { memo } from 'react';
import type { TimelineActivity } from '../../../electron/api/types';

interface ThinkingRowProps {
  entry: TimelineActivity;
  expanded: boolean;
  onToggle: (id: string) => void;
}

export const ThinkingRow = memo(function ThinkingRow({ entry, expanded, onToggle }: ThinkingRowProps) {
  const text = typeof entry.data.text === 'string' ? entry.data.text : '';
  const preview = text.replace(/\s+/g, ' ').trim();
  return (
    <div className="thinking-row" data-testid="entry-thinking" data-entry-id={entry.id}>
      <button
        type="button"
        className="thinking-head"
        aria-expanded={expanded}
        onClick={() => onToggle(entry.id)}
      >
        <span className="chevron" aria-hidden="true">
          {expanded ? '▾' : '▸'}
        </span>
        <span className="thinking-label">Reasoning</span>
        {!expanded ? <span className="thinking-preview">{preview || '…'}</span> : null}
      </button>
      {expanded ? <div className="thinking-body">{text || 'No reasoning text.'}</div> : null}
    </div>
  );
});
