// Maps every error to { error: { code, message, details } }. Below 500 the message explains the
// problem; a 500 says nothing about internals (the log has the details, secrets redacted).
import type { FastifyError, FastifyInstance } from 'fastify';
import { DomainError, type ErrorKind } from '../errors.js';
import type { PageFallback } from './console-static.js';

const STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  // Jira (or whatever fronts it) refused or failed: never our own 401/403/404, so a client cannot
  // mistake Jira's 401 for its own token being refused.
  upstream: 502,
  too_many_requests: 429,
};

/** `pages`: the console's answer to a page path no route matched (index.html); null = the JSON 404. */
export function installErrorHandling(app: FastifyInstance, pages: () => PageFallback | null = () => null): void {
  app.setErrorHandler((err: FastifyError | DomainError | Error, request, reply) => {
    if (err instanceof DomainError) {
      const status = STATUS[err.kind];
      if (status === 401) reply.header('www-authenticate', 'Bearer');
      if (status === 429) reply.header('retry-after', String((err.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds ?? 60));
      return reply.code(status).send({ error: { code: err.code, message: err.message, details: err.details ?? null } });
    }
    const fe = err as FastifyError;
    if (fe.validation) {
      return reply.code(400).send({ error: { code: 'validation_failed', message: fe.message, details: { context: fe.validationContext ?? null } } });
    }
    const status = fe.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code = fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? 'payload_too_large'
        : fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? 'unsupported_media_type'
          : fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || err instanceof SyntaxError || fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY'
            ? 'malformed_json'
            : 'bad_request';
      const message = code === 'payload_too_large'
        ? `request body is larger than this endpoint accepts (${request.routeOptions.bodyLimit ?? 'limit'} bytes); see docs/api.md for limits`
        : code === 'malformed_json'
          ? // Our parser's own words (http/json-parser.ts): they never quote the body.
            `request body is not valid JSON: ${fe.message}`
          : fe.message;
      return reply.code(status).send({ error: { code, message, details: null } });
    }
    request.log.error({ err }, 'request failed');
    return reply.code(500).send({ error: { code: 'internal', message: 'internal error; the server log has the details', details: null } });
  });
  app.setNotFoundHandler((request, reply) => {
    const page = pages()?.(request, reply);
    if (page) return page;
    return reply.code(404).send({ error: { code: 'not_found', message: `no route for ${request.method} ${request.url.split('?')[0]}`, details: null } });
  });
}
