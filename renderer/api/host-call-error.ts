// The one error type the renderer throws for a failed host call, whatever the transport.
import type { HostErrorCode, HostErrorPayload } from '../../electron/api/contract';
import type { ConsentItem } from '../../electron/api/types';

/** Transport failures have their own codes: they never come from the host. */
export type CallErrorCode = HostErrorCode | 'disconnected' | 'unauthorized' | 'too_large';

export class HostCallError extends Error {
  readonly code: CallErrorCode;
  readonly details?: Record<string, unknown>;

  constructor(code: CallErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'HostCallError';
    this.code = code;
    this.details = details;
  }

  static fromPayload(payload: HostErrorPayload): HostCallError {
    return new HostCallError(payload.code, payload.message, payload.details);
  }
}

export function isHostCallError(error: unknown): error is HostCallError {
  return error instanceof HostCallError;
}

/** A message fit to show: the host writes its messages for the user, anything else is generic. */
export function errorMessage(error: unknown): string {
  if (error instanceof HostCallError) return error.message;
  if (error instanceof Error && error.message) return `Something went wrong: ${error.message}`;
  return 'Something went wrong.';
}

export interface MissingSecretDetails {
  workspaceId: string;
  key: string;
  agent: string | null;
}

/** The `missing_secret` details, checked field by field since they cross a boundary. */
export function missingSecretOf(error: unknown): MissingSecretDetails | null {
  if (!(error instanceof HostCallError) || error.code !== 'missing_secret' || !error.details) return null;
  const { workspaceId, key, agent } = error.details;
  if (typeof workspaceId !== 'string' || typeof key !== 'string') return null;
  return { workspaceId, key, agent: typeof agent === 'string' ? agent : null };
}

export interface ConsentRequest {
  /** Set for a workspace launch; absent for a template. */
  workspaceId: string | null;
  items: ConsentItem[];
  /** What workspaces.consent expects back; absent for a template. */
  fingerprint: string | null;
}

function isConsentItem(value: unknown): value is ConsentItem {
  if (typeof value !== 'object' || value === null) return false;
  const item = value as Record<string, unknown>;
  return (item.kind === 'code' || item.kind === 'key') && typeof item.text === 'string';
}

/** The `consent_required` details: what the host wants the user to confirm, checked field by field. */
export function consentRequestOf(error: unknown): ConsentRequest | null {
  if (!(error instanceof HostCallError) || error.code !== 'consent_required' || !error.details) return null;
  const { workspaceId, items, fingerprint } = error.details;
  if (!Array.isArray(items) || !items.every(isConsentItem) || items.length === 0) return null;
  return {
    workspaceId: typeof workspaceId === 'string' ? workspaceId : null,
    items,
    fingerprint: typeof fingerprint === 'string' ? fingerprint : null,
  };
}
