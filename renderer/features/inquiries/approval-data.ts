// The tool approval an `inquiry.request` activity carries (`data.approval`, written by the host), if any.
import type { ToolApproval } from '../../../electron/api/types';

export function approvalFromData(data: Record<string, unknown>): ToolApproval | null {
  const approval = data.approval;
  if (typeof approval !== 'object' || approval === null) return null;
  const { tool, arguments: args } = approval as Record<string, unknown>;
  return typeof tool === 'string' ? { tool, arguments: typeof args === 'string' ? args : '' } : null;
}
