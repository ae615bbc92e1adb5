// A tool call as one collapsible row: name and arguments, and the result once it arrives.
import { memo } from 'react';
import type { TimelineActivity } from '../../../electron/api/types';
import { prettyJson } from '../../components/format';
import { stringField } from './timeline-rows';
import type { ToolStatus } from './timeline-rows';

interface ToolCallRowProps {
  call: TimelineActivity | null;
  result: TimelineActivity | null;
  status: ToolStatus;
  expanded: boolean;
  onToggle: (id: string) => void;
}

function resultValue(data: Record<string, unknown>): unknown {
  for (const name of ['output', 'result', 'text', 'content']) if (data[name] !== undefined) return data[name];
  return data;
}

export const ToolCallRow = memo(function ToolCallRow({ call, result, status, expanded, onToggle }: ToolCallRowProps) {
  const anchor = (call ?? result) as TimelineActivity;
  const data = call?.data ?? {};
  const name =
    stringField(data, 'name', 'tool', 'toolName') ??
    stringField(result?.data ?? {}, 'name', 'tool') ??
    'tool';
  const args = data.arguments ?? data.input ?? data.args;
  const argsText = prettyJson(args);
  const preview = argsText.replace(/\s+/g, ' ').slice(0, 140);
  const failed = status === 'failed';
  // Formatted only when shown: a long session has many collapsed calls with large results.
  const resultText =
    expanded && result
      ? prettyJson(typeof result.data.error === 'string' ? result.data.error : resultValue(result.data))
      : '';
  const bodyId = `tool-body-${anchor.id}`;

  return (
    <div
      className={`tool-row tool-${status}`}
      data-testid="entry-tool-call"
      data-entry-id={anchor.id}
      data-tool={name}
      data-status={status}
    >
      <button
        type="button"
        className="tool-head"
        aria-expanded={expanded}
        aria-controls={bodyId}
        onClick={() => onToggle(anchor.id)}
      >
        <span className="chevron" aria-hidden="true">
          {expanded ? '▾' : '▸'}
        </span>
        <span className="tool-icon" aria-hidden="true">
          ⚒
        </span>
        <span className="tool-name mono">{name}</span>
        {!expanded && preview ? (
          <span className="tool-preview mono">{preview}</span>
        ) : (
          <span className="tool-preview" />
        )}
        <span className={`tool-status status-${status}`}>
          {status === 'running' ? (
            <span className="spinner small" aria-label="running" />
          ) : status === 'failed' || status === 'cancelled' ? (
            status
          ) : (
            '✓'
          )}
        </span>
      </button>
      {expanded ? (
        <div className="tool-body" id={bodyId}>
          {call ? (
            <>
              <div className="tool-label">Arguments</div>
              <pre className="code-block" tabIndex={0}>
                {argsText || '(none)'}
              </pre>
            </>
          ) : null}
          <div className="tool-label">Result</div>
          {result ? (
            <pre
              className={`code-block${failed ? ' failed' : ''}`}
              tabIndex={0}
              data-testid="entry-tool-result"
            >
              {resultText || '(empty)'}
            </pre>
          ) : status === 'cancelled' ? (
            <div className="muted small">Cancelled: the turn ended before a result came.</div>
          ) : (
            <div className="muted small">Waiting for the result…</div>
          )}
        </div>
      ) : null}
    </div>
  );
});
