// Domain errors: what went wrong, in words a user can act on. The HTTP layer maps each kind to a
// status code (http/error-handler.ts); domain code never speaks HTTP.
/** `upstream`: a service we called on the user's behalf (Jira) refused or could not be reached (502). */
export type ErrorKind = 'invalid' | 'not_found' | 'conflict' | 'forbidden' | 'unauthorized' | 'too_large' | 'upstream' | 'too_many_requests';

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const invalid = (code: string, message: string, details?: unknown) => new DomainError('invalid', code, message, details);
export const notFound = (what: string, id: string) =>
  new DomainError('not_found', 'not_found', `${what} ${JSON.stringify(id)} does not exist`);
export const conflict = (code: string, message: string, details?: unknown) => new DomainError('conflict', code, message, details);
export const forbidden = (message: string, code = 'forbidden') => new DomainError('forbidden', code, message);
export const unauthorized = (message: string) => new DomainError('unauthorized', 'unauthorized', message);
export const tooLarge = (message: string) => new DomainError('too_large', 'payload_too_large', message);
export const upstream = (code: string, message: string, details?: unknown) => new DomainError('upstream', code, message, details);
/** Refused for now: `retryAfterSeconds` becomes the Retry-After header of the 429. */
export const tooManyRequests = (code: string, message: string, retryAfterSeconds: number) => new DomainError('too_many_requests', code, message, { retryAfterSeconds });
