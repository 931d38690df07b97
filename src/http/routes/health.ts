import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Storage } from '../../storage/db.js';

export function healthRoutes(app: FastifyInstance, deps: { storage: Storage; metrics: Registry; warnings: () => string[] }): void {
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

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    return reply.header('content-type', deps.metrics.contentType).send(await deps.metrics.metrics());
  });
}
