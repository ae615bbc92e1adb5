// Tool call statistics (calls, errors, durations, the last error) for a conversation or a workspace,
// reloaded when a tool call starts or ends in one of its conversations.
import { useEffect } from 'react';
import type { SessionSummary, ToolStats } from '../../../electron/api/types';
import { useClient } from '../../app-context';
import { formatNumber, formatTime } from '../../components/format';
import { useHostQuery, type HostQuery } from '../../components/use-host-query';
import { paths } from '../shell/router';

export type ToolScope = { sessionId: string } | { workspaceId: string };

/** `inScope` says whether a conversation's tool calls count; it is read on every event. */
export function useToolStats(
  scope: ToolScope,
  inScope: (sessionId: string) => boolean,
): HostQuery<ToolStats[]> {
  const client = useClient();
  const key = 'sessionId' in scope ? `session:${scope.sessionId}` : `workspace:${scope.workspaceId}`;
  const query = useHostQuery(() => client.call('tools.stats', scope), key);
  const { reload } = query;

  useEffect(
    () =>
      client.onEvent((event) => {
        if (event.type !== 'session.event' || event.change.type !== 'entry') return;
        const { entry } = event.change;
        const toolActivity =
          entry.kind === 'activity' &&
          (entry.activityKind === 'tool_call' || entry.activityKind === 'tool_result');
        if (toolActivity && inScope(event.sessionId)) reload();
      }),
    [client, inScope, reload],
  );
  return query;
}

export function formatRate(rate: number): string {
  const percent = rate * 100;
  return `${percent > 0 && percent < 10 ? percent.toFixed(1) : Math.round(percent)}%`;
}

function formatMs(ms: number | null): string {
  return ms === null ? '—' : `${formatNumber(Math.round(ms))} ms`;
}

/** Column names, and whether the column holds numbers. */
const COMPACT_COLUMNS: [string, boolean][] = [
  ['Tool', false],
  ['Calls', true],
  ['Errors', true],
  ['p50', true],
];
const FULL_COLUMNS: [string, boolean][] = [
  ...COMPACT_COLUMNS.slice(0, 3),
  ['Error rate', true],
  ['p50', true],
  ['p95', true],
  ['Last error', false],
  ['Last call', false],
];

interface ToolStatsTableProps {
  stats: ToolStats[];
  label: string;
  /** Workspace scope: the conversations the links lead to. Absent: the compact table of one conversation. */
  sessions?: readonly SessionSummary[];
  workspaceId: string;
}

export function ToolStatsTable({ stats, label, sessions, workspaceId }: ToolStatsTableProps) {
  const full = sessions !== undefined;
  const titleOf = (sessionId: string) =>
    sessions?.find((session) => session.id === sessionId)?.title || 'a conversation';
  return (
    <div className="table-scroll">
      <table className={`table tool-stats${full ? '' : ' compact'}`} aria-label={label}>
        <thead>
          <tr>
            {(full ? FULL_COLUMNS : COMPACT_COLUMNS).map(([name, numeric]) => (
              <th key={name} scope="col" className={numeric ? 'num' : undefined}>
                {name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {stats.map((tool) => (
            <tr key={tool.tool} data-testid="tool-stats-row" data-tool={tool.tool}>
              <th scope="row" className="mono tool-name">
                {full ? (
                  tool.tool
                ) : (
                  <a
                    href={paths.session(workspaceId, tool.lastCall.sessionId, {
                      kind: 'entry',
                      id: tool.lastCall.activityId,
                    })}
                    title="Show its last call in the conversation"
                  >
                    {tool.tool}
                  </a>
                )}
              </th>
              <td className="num">{formatNumber(tool.calls)}</td>
              <td className={`num${tool.errors > 0 ? ' danger' : ''}`}>{formatNumber(tool.errors)}</td>
              {full ? (
                <>
                  <td className="num">{tool.finished > 0 ? formatRate(tool.errorRate) : '—'}</td>
                  <td className="num">{formatMs(tool.p50Ms)}</td>
                  <td className="num">{formatMs(tool.p95Ms)}</td>
                  <td className="tool-error">
                    {tool.lastError ? (
                      <>
                        <span className="tool-error-text">{tool.lastError.message || 'No message'}</span>{' '}
                        <a
                          href={paths.session(workspaceId, tool.lastError.sessionId, {
                            kind: 'entry',
                            id: tool.lastError.activityId,
                          })}
                          aria-label={`Open the last failed call of ${tool.tool}, in ${titleOf(tool.lastError.sessionId)}`}
                        >
                          {formatTime(tool.lastError.at)}
                        </a>
                      </>
                    ) : (
                      <span className="muted">None</span>
                    )}
                  </td>
                  <td className="nowrap">
                    <a
                      href={paths.session(workspaceId, tool.lastCall.sessionId, {
                        kind: 'entry',
                        id: tool.lastCall.activityId,
                      })}
                      aria-label={`Open the last call of ${tool.tool}, in ${titleOf(tool.lastCall.sessionId)}`}
                    >
                      {formatTime(tool.lastCall.at)}
                    </a>
                  </td>
                </>
              ) : (
                <td className="num">{formatMs(tool.p50Ms)}</td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
