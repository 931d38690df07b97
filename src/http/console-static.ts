// The built web console (web/dist), served by the service itself at `/` (docs/decisions/fastify-static.md):
// hashed assets cached for a year, index.html never without revalidation, security headers on HTML,
// and index.html for any page path the browser navigates to (single-page app). Without a built
// console, `/` says so in plain text instead of failing.
import { existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';

/** Only the service itself may provide scripts, styles, fonts, connections; images also as data: URLs; no framing. */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const HTML_HEADERS: Record<string, string> = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const ASSET_CACHE = 'public, max-age=31536000, immutable';

export const NOT_BUILT = [
  'alertsync: the web console is not built.',
  '',
  'The API is running (see docs/api.md). To serve the console at /, build it into web/dist',
  '(or point ALERTSYNC_CONSOLE_DIR at a built copy) and restart the service.',
  '',
].join('\n');

/** Paths that are never the console's pages: the API, webhooks, health and metrics, and the assets themselves. */
const NOT_PAGES = /^\/(api|webhooks|healthz|readyz|metrics|assets|_bench)(\/|$|\?)/;

/** A browser navigating to a page of the console: a GET (or HEAD) for HTML outside the API's paths. */
export function isConsolePage(method: string, url: string, accept: string | undefined): boolean {
  return (method === 'GET' || method === 'HEAD') && !NOT_PAGES.test(url) && (accept ?? '').includes('text/html');
}

/** Answers a request that matched no route, or returns null to let the API's JSON 404 answer. */
export type PageFallback = (request: FastifyRequest, reply: FastifyReply) => FastifyReply | null;

export async function installConsole(app: FastifyInstance, dir: string): Promise<PageFallback> {
  if (!existsSync(join(dir, 'index.html'))) {
    const notBuilt = (reply: FastifyReply) => reply.code(200).type('text/plain; charset=utf-8').header('cache-control', 'no-cache').headers(HTML_HEADERS).send(NOT_BUILT);
    app.get('/', { schema: { hide: true } }, async (_request, reply) => notBuilt(reply));
    return (request, reply) => (isConsolePage(request.method, request.url, request.headers.accept) ? notBuilt(reply) : null);
  }
  const assets = join(dir, 'assets');
  await app.register(fastifyStatic, {
    root: dir,
    prefix: '/',
    wildcard: true,
    index: ['index.html'],
    cacheControl: false,
    schemaHide: true,
    setHeaders(res, path) {
      res.setHeader('x-content-type-options', 'nosniff');
      if (path.endsWith('.html')) {
        res.setHeader('cache-control', 'no-cache');
        for (const [k, v] of Object.entries(HTML_HEADERS)) res.setHeader(k, v);
      } else if (!relative(assets, path).startsWith('..') && !relative(assets, path).startsWith(sep)) {
        res.setHeader('cache-control', ASSET_CACHE);
      } else {
        res.setHeader('cache-control', 'no-cache');
      }
    },
  });
  return (request, reply) => (isConsolePage(request.method, request.url, request.headers.accept) ? reply.code(200).sendFile('index.html') : null);
}
