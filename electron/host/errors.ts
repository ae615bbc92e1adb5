import type { HostErrorCode, HostErrorPayload } from '../api/contract';

/** A failure the user can act on; its message is written for them and is safe to show. */
export class HostError extends Error {
  readonly code: HostErrorCode;
  readonly details?: Record<string, unknown>;
  constructor(code: HostErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'HostError';
    this.code = code;
    this.details = details;
  }
  toPayload(): HostErrorPayload {
    return { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) };
  }
}
