import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { MAX_OVERVIEW_HOURS, type OverviewService } from '../../overview/overview-service.js';
import { Iso, Nullable, errorResponses, iso } from '../schemas/common.js';

const Count = Type.Integer({ minimum: 0 });
const OverviewSchema = Type.Object({
  alertsOverTime: Type.Array(Type.Object({ bucketStart: Iso, critical: Count, high: Count, medium: Count, low: Count, info: Count }), {
    description: 'alerts created per hour and severity, oldest bucket first, one bucket per hour (empty ones included), the last one the current hour',
  }),
  deliveriesByState: Type.Array(Type.Object({ destinationId: Type.String(), destinationName: Type.String(), state: Type.String(), count: Count }), {
    description: 'delivery jobs (every kind) per destination and state; states without jobs are left out',
  }),
  sites: Type.Array(
    Type.Object({
      host: Type.String(),
      requestsPerSecond: Type.Number({ description: 'requests this process sent to the site, averaged over the last 60 s (per replica)' }),
      limitPerSecond: Type.Number({ description: 'the rate the limiter allows now (learned from the site, at most the configured one)' }),
      configuredPerSecond: Type.Number({ description: 'the configured rate (ALERTSYNC_JIRA_RATE_LIMIT or PUT /api/jira-sites/{host}/rate-limit)' }),
    }),
  ),
  oldestWaitingJob: Nullable(
    Type.Object({
      id: Type.String(),
      kind: Type.String(),
      destinationId: Type.String(),
      state: Type.String({ description: 'pending, blocked or paused' }),
      waitingSince: Iso,
      waitingSinceMs: Type.Integer({ minimum: 0, description: 'how long it has waited, in milliseconds (now minus its creation)' }),
    }),
  ),
});

export function overviewRoutes(deps: { overview: OverviewService }) {
  return (fastify: FastifyInstance): void => {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    app.get('/api/overview', {
      config: { permission: 'alerts:read' },
      schema: {
        tags: ['overview'],
        summary: `The console's overview: alerts per hour by severity (last \`hours\`, default 24, at most ${MAX_OVERVIEW_HOURS}), deliveries by state per destination, Jira sites' request rate and limit, the oldest waiting job`,
        querystring: Type.Object({ hours: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_OVERVIEW_HOURS, default: 24 })) }, { additionalProperties: false }),
        response: { 200: OverviewSchema, ...errorResponses },
      },
      handler: async (request) => {
        const o = await deps.overview.get(request.query.hours ?? 24);
        return {
          alertsOverTime: o.alertsOverTime.map((b) => ({ ...b, bucketStart: iso(b.bucketStart) })),
          deliveriesByState: o.deliveriesByState,
          sites: o.sites,
          oldestWaitingJob: o.oldestWaitingJob && { ...o.oldestWaitingJob, waitingSince: iso(o.oldestWaitingJob.waitingSince) },
        };
      },
    });
  };
}
