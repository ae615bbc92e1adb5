// Turns what a model run throws into a message the user can act on. The `openai` client and the
// Agents SDK may be loaded twice (CJS and ESM copies), so errors are told apart by `status`, `name`,
// `code` and message — never by `instanceof`.
import { noResponsesApiHint, providerEndpoint, unreachableHint } from '../protocol';

export type ModelErrorKind =
  | 'missing_key'
  | 'auth'
  | 'forbidden'
  | 'quota'
  | 'rate_limit'
  | 'unavailable'
  | 'connection'
  | 'stream_cut'
  | 'stream_error'
  | 'max_turns'
  | 'model_behavior'
  | 'bad_request'
  | 'previous_response_missing'
  | 'aborted'
  | 'unknown';

export interface DescribedError {
  kind: ModelErrorKind;
  /** For the user: what happened and what to do. Never contains a secret. */
  message: string;
}

export interface ErrorCircumstances {
  /** Retries the `openai` client made before giving up (seen through its logger). */
  retries?: number;
  /** Values that must never appear in a message (the API key, …). */
  secrets?: readonly string[];
  /** Where the request went, so a message can name the URL and what to change about the provider. */
  endpoint?: { baseUrl: string; api: 'responses' | 'chat' };
}

/** Thrown by `ctx.run` after the error was reported to the user; `message` is the user-facing text. */
export class OpenAiRunError extends Error {
  readonly kind: ModelErrorKind;
  constructor(described: DescribedError, options?: { cause?: unknown }) {
    super(described.message, options);
    this.name = 'OpenAiRunError';
    this.kind = described.kind;
  }
}

interface ErrorShape {
  name?: unknown;
  message?: unknown;
  status?: unknown;
  code?: unknown;
  cause?: unknown;
}

function shape(error: unknown): ErrorShape {
  return typeof error === 'object' && error !== null ? (error as ErrorShape) : {};
}

/**
 * The error's class name. `openai` errors keep `name === 'Error'`, so their constructor tells them
 * apart (APIConnectionError, APIUserAbortError, …); Agents SDK errors set `name` themselves.
 */
function errorName(error: unknown): string {
  const { name } = shape(error);
  const ctor =
    typeof error === 'object' && error !== null
      ? (error as { constructor?: { name?: unknown } }).constructor
      : undefined;
  const ctorName = typeof ctor?.name === 'string' ? ctor.name.replace(/^_+|\d+$/g, '') : '';
  if (typeof name === 'string' && name !== 'Error') return name;
  return ctorName && ctorName !== 'Object' ? ctorName : text(name);
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** "after 2 retries", or "" when the client did not retry. */
function afterRetries(retries: number | undefined): string {
  if (!retries) return '';
  return ` after ${retries} ${retries === 1 ? 'retry' : 'retries'}`;
}

/** True for an error that only means "the user pressed Stop". */
export function isAbortError(error: unknown): boolean {
  const name = errorName(error);
  return name === 'AbortError' || name === 'APIUserAbortError';
}

export function describeModelError(error: unknown, circumstances: ErrorCircumstances = {}): DescribedError {
  const described = classify(error, circumstances.retries, circumstances.endpoint);
  return { ...described, message: redactSecrets(described.message, circumstances.secrets ?? []) };
}

function classify(error: unknown, retries: number | undefined, endpoint: ErrorCircumstances['endpoint']): DescribedError {
  const { status, code, cause } = shape(error);
  const name = errorName(error);
  const message = text(shape(error).message) || String(error);
  const retried = afterRetries(retries);

  if (isAbortError(error)) return { kind: 'aborted', message: 'The turn was stopped.' };
  if (name === 'OpenAiRunError' && error instanceof Error) {
    return { kind: (error as OpenAiRunError).kind ?? 'unknown', message };
  }
  // `new OpenAI()` without a key throws before any request is made.
  if (/OPENAI_API_KEY environment variable is missing|Missing credentials/i.test(message)) {
    return {
      kind: 'missing_key',
      message:
        'OPENAI_API_KEY is not set for this agent. Add it to the workspace’s secrets and start the workspace again.',
    };
  }

  if (typeof status === 'number') {
    if (status === 401) {
      return {
        kind: 'auth',
        message: 'The model API rejected the key (401). Check OPENAI_API_KEY for this workspace.',
      };
    }
    if (status === 403) {
      return {
        kind: 'forbidden',
        message:
          'The model API refused access (403): the key may not be allowed to use this model or region. Check OPENAI_API_KEY and the model setting.',
      };
    }
    if (status === 429 && code === 'insufficient_quota') {
      return {
        kind: 'quota',
        message:
          'The model API account has run out of quota (429). Check the plan and billing of the account behind OPENAI_API_KEY.',
      };
    }
    if (status === 429) {
      return {
        kind: 'rate_limit',
        message: `Rate limited by the model API (429)${retried}. Wait a minute and send the message again, or check the rate limits of the account.`,
      };
    }
    if (status === 400 && code === 'previous_response_not_found') {
      return {
        kind: 'previous_response_missing',
        message:
          'The model API no longer has the previous turn of this conversation (400). Send the message again.',
      };
    }
    if (status >= 500) {
      return {
        kind: 'unavailable',
        message: `The model provider is unavailable (HTTP ${status})${retried}. Try again in a few minutes.`,
      };
    }
    // The Responses API's own 404s name a model it lacks; any other one means there is no such API.
    if (status === 404 && endpoint?.api === 'responses' && code !== 'model_not_found') {
      return { kind: 'bad_request', message: noResponsesApiHint(providerEndpoint(endpoint.baseUrl, 'responses')) };
    }
    if (status === 404) {
      return {
        kind: 'bad_request',
        message: `The model API could not find what was asked for (404): ${message}. Check the model name and the endpoint.`,
      };
    }
    return { kind: 'bad_request', message: `The model API refused the request (${status}): ${message}` };
  }

  if (name === 'APIConnectionTimeoutError') {
    return {
      kind: 'connection',
      message: `The model provider is unavailable: the request timed out${retried}. Check the network and try again.`,
    };
  }
  const systemCode = causeCode(error);
  if (endpoint && name === 'APIConnectionError' && systemCode) {
    const path = endpoint.api === 'chat' ? 'chat/completions' : 'responses';
    return { kind: 'connection', message: unreachableHint(providerEndpoint(endpoint.baseUrl, path), systemCode, retried) };
  }
  if (name === 'APIConnectionError') {
    return {
      kind: 'connection',
      message: `The model provider is unavailable: its endpoint could not be reached${retried}. Check the network and the endpoint setting.`,
    };
  }
  if (isStreamCut(name, message, cause)) {
    return {
      kind: 'stream_cut',
      message:
        'The connection to the model was cut in the middle of its reply; the partial reply is kept. Send the message again to continue.',
    };
  }
  if (name === 'MaxTurnsExceededError') {
    const limit = /Max turns \((\d+)\)/.exec(message)?.[1];
    return {
      kind: 'max_turns',
      message: `The agent stopped after ${limit ?? 'the maximum number of'} model turns without finishing (max turns exceeded). Ask it to continue, or raise maxTurns in the agent's setup.`,
    };
  }
  if (name === 'ModelBehaviorError' || name === 'InvalidToolInputError' || name === 'ModelRefusalError') {
    return {
      kind: 'model_behavior',
      message: `The model returned a reply the agent could not use: ${message}`,
    };
  }
  // An `error` event inside an otherwise healthy stream: an APIError without an HTTP status.
  if (name === 'APIError' && typeof code === 'string') {
    return { kind: 'stream_error', message: `The model provider reported an error mid-reply: ${message}` };
  }
  return { kind: 'unknown', message: `The model run failed: ${message}` };
}

/** Failures to connect at all (a cut mid-reply is a stream cut, not one of these). */
const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/** The system error code of a failure to connect (ECONNREFUSED, …) somewhere in the error's chain of causes. */
function causeCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const { code, cause } = shape(current);
    if (typeof code === 'string' && CONNECT_CODES.has(code)) return code;
    current = cause;
  }
  return undefined;
}

function isStreamCut(name: unknown, message: string, cause: unknown): boolean {
  const causeCode = shape(cause).code;
  if (name === 'TypeError' && message === 'terminated') return true;
  if (causeCode === 'UND_ERR_SOCKET' || causeCode === 'ECONNRESET') return true;
  // The stream ended cleanly but without its terminal event.
  return name === 'ModelBehaviorError' && /did not produce a final response/i.test(message);
}

/** Key-like tokens: OpenAI keys (`sk-…`, also masked `sk-***abcd`) and bearer headers. */
const KEY_PATTERNS = [/\bsk-[A-Za-z0-9_*-]{4,}/g, /\bBearer\s+[A-Za-z0-9._\-~+/]+=*/gi];

/** Removes secrets from text meant for logs or the user. */
export function redactSecrets(input: string, secrets: readonly string[]): string {
  let out = input;
  for (const secret of secrets) {
    // Short values would redact ordinary words.
    if (secret.length >= 6) out = out.split(secret).join('[redacted]');
  }
  for (const pattern of KEY_PATTERNS) out = out.replace(pattern, '[redacted]');
  return out;
}
