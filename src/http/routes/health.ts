import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Storage } from '../../storage/db.js';
import { forbidden, unauthorized } from '../../errors.js';
import { metricsAccess } from '../metrics-access.js';

export function healthRoutes(deps: { storage: Storage; metrics: Registry; warnings: () => string[]; metricsToken: string | null }) {
  return (app: FastifyInstance): void => register(app, deps);
}

function register(app: FastifyInstance, deps: { storage: Storage; metrics: Registry; warnings: () => string[]; metricsToken: string | null }): void {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const warnings = deps.warnings();
    try {
      await deps.storage.ping();
    } catch (err) {
      return reply.code(503).send({ status: 'unavailable', database: { reachable: false, error: (err as Error).message }, warnings });
    }
    return { status: 'ready', database: { reachable: true, dialect: deps.storage.dialect }, warnings };
  });

  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    const access = metricsAccess({ remoteAddress: request.socket.remoteAddress, authorization: request.headers.authorization }, deps.metricsToken);
    if (access === 'token_required') throw unauthorized('a valid API token is required (Authorization: Bearer <token>)');
    if (access === 'loopback_only') throw forbidden('metrics are served to loopback callers only; set ALERTSYNC_METRICS_TOKEN to scrape from elsewhere');
    return reply.header('content-type', deps.metrics.contentType).send(await deps.metrics.metrics());
  });
}
