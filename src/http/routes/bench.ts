// Benchmark-only route (registered only with ALERTSYNC_BENCH_BARE_ROUTE=1, see docs/configuration.md):
// POST /_bench/bare reads the JSON body and answers {"ok":true}, no auth, no storage. `npm run bench`
// (bench/ingest.ts) divides the alert ingest rate by this route's rate on the same server.
import type { FastifyInstance } from 'fastify';

export function benchRoutes() {
  return (app: FastifyInstance): void => {
    app.post('/_bench/bare', { config: { permission: 'public' }, schema: { hide: true } }, async (request) => {
      void request.body;
      return { ok: true };
    });
  };
}
