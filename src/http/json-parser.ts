// The JSON body parser of every route. V8's JSON.parse messages quote a piece of the input
// ("Unexpected token 'S', "…apiToken": SECRETTOKE"…"), and a body may hold an API token, so a
// parse error is answered with our own words and never quotes the body back.
import type { FastifyInstance } from 'fastify';

export function installSafeJsonParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body);
    // Same error codes as Fastify's own parser, so the answer is the usual 400 malformed_json.
    const fail = (code: string, message: string) => done(Object.assign(new Error(message), { statusCode: 400, code }), undefined);
    if (text.trim() === '') return fail('FST_ERR_CTP_EMPTY_JSON_BODY', 'the body is empty; a JSON object is expected');
    try {
      done(null, JSON.parse(text));
    } catch {
      fail('FST_ERR_CTP_INVALID_JSON_BODY', 'it could not be parsed (the body is not quoted back: it may hold a secret)');
    }
  });
}
