// The JSON body parser of every route. It runs after routing and authentication (Fastify parses
// a body only once the route is known and the onRequest hooks, auth among them, have passed):
//  - a body sent to an unknown route is not parsed at all (the answer is a 404 either way);
//  - nesting deeper than the configured depth is refused (400) by a linear scan before JSON.parse,
//    so nothing downstream (validation, the NUL guard, JSON.stringify) recurses without bound;
//  - V8's JSON.parse messages quote a piece of the input ("Unexpected token 'S', "…apiToken":
//    SECRETTOKE"…"), and a body may hold an API token, so a parse error is answered with our own
//    words and never quotes the body back.
// A route whose config sets `rawBody: true` (the Jira webhook receiver) gets the body as the raw
// bytes (a Buffer), unparsed: it verifies the sender before it parses anything.
import type { FastifyInstance } from 'fastify';
import { jsonNestsDeeperThan } from './json-depth.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The handler receives the body as raw bytes (Buffer), not parsed. */
    rawBody?: boolean;
  }
}

export function installSafeJsonParser(app: FastifyInstance, opts: { maxDepth: number }): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    if (request.is404) return done(null, undefined);
    if (request.routeOptions.config.rawBody === true) return done(null, body);
    const text = body.toString('utf8');
    // Same error codes as Fastify's own parser, so the answer is the usual 400 malformed_json.
    const fail = (code: string, message: string) => done(Object.assign(new Error(message), { statusCode: 400, code }), undefined);
    if (text.trim() === '') return fail('FST_ERR_CTP_EMPTY_JSON_BODY', 'the body is empty; a JSON object is expected');
    if (jsonNestsDeeperThan(text, opts.maxDepth)) {
      return fail('FST_ERR_CTP_INVALID_JSON_BODY', `it nests arrays and objects more than ${opts.maxDepth} levels deep (ALERTSYNC_MAX_JSON_DEPTH)`);
    }
    try {
      done(null, JSON.parse(text));
    } catch {
      fail('FST_ERR_CTP_INVALID_JSON_BODY', 'it could not be parsed (the body is not quoted back: it may hold a secret)');
    }
  });
}
