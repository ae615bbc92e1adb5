/** A failure of an Acontext API request: the HTTP status, and a message written for the caller. */
export class ApiError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 500 | 501 | 502 | 503,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}
