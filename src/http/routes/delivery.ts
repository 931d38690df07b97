import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { DeliveryService } from '../../delivery/delivery-service.js';
import type { JiraListsService } from '../../delivery/jira-lists-service.js';
import { SITE_BURST_RANGE, SITE_RATE_RANGE, type JiraSitesService } from '../../delivery/jira-sites-service.js';
import type { AlertLink, DeliveryAttempt, DeliveryJob } from '../../delivery/job.js';
import { actorOf } from '../auth.js';
import { IdParams, Nullable, errorResponses, iso } from '../schemas/common.js';

const JobSchema = Type.Object(
  {
    id: Type.String(),
    alertId: Type.String(),
    destinationId: Type.String(),
    kind: Type.String(),
    lane: Type.String(),
    state: Type.String({
      description:
        'pending, running, done, blocked (waits for a change of the destination or POST /api/destinations/{id}/resume), paused (the destination is disabled), failed (replay with POST /api/deliveries/{id}/retry) or cancelled',
    }),
    attempts: Type.Integer(),
    nextRunAt: Type.String(),
    lastStatus: Nullable(Type.Integer()),
    lastError: Nullable(Type.String()),
    result: Nullable(Type.Record(Type.String(), Type.Unknown())),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  { $id: 'DeliveryJob' },
);
const AttemptSchema = Type.Object(
  {
    id: Type.Integer(),
    jobId: Type.String(),
    alertId: Type.String(),
    destinationId: Type.String(),
    worker: Type.String(),
    at: Type.String(),
    durationMs: Type.Integer(),
    request: Type.String(),
    outcome: Type.String(),
    httpStatus: Nullable(Type.Integer()),
    issueKey: Nullable(Type.String()),
    error: Nullable(Type.String()),
  },
  { $id: 'DeliveryAttempt' },
);
const SiteSchema = Type.Object(
  {
    siteHost: Type.String(),
    ratePerSec: Type.Number({ description: 'the configured rate (requests/s): the ceiling of the learned one' }),
    learnedRatePerSec: Type.Number({ description: "the rate requests are sent at now, learned from the site's 429s and X-RateLimit-* headers" }),
    burst: Type.Number(),
  },
  { $id: 'JiraSite' },
);
const LinkSchema = Type.Object({ destinationId: Type.String(), issueId: Type.String(), issueKey: Type.String(), issueUrl: Type.String(), createdAt: Type.String() });

const jobJson = (j: DeliveryJob) => ({
  id: j.id,
  alertId: j.alertId,
  destinationId: j.destinationId,
  kind: j.kind,
  lane: j.lane,
  state: j.state,
  attempts: j.attempts,
  nextRunAt: iso(j.nextRunAt),
  lastStatus: j.lastStatus,
  lastError: j.lastError,
  result: j.result,
  createdAt: iso(j.createdAt),
  updatedAt: iso(j.updatedAt),
});
const attemptJson = (a: DeliveryAttempt) => ({ ...a, at: iso(a.at), durationMs: Math.round(a.durationMs) });
const linkJson = (l: AlertLink) => ({ destinationId: l.destinationId, issueId: l.issueId, issueKey: l.issueKey, issueUrl: l.issueUrl, createdAt: iso(l.createdAt) });

export function deliveryRoutes(deps: { delivery: DeliveryService; sites: JiraSitesService; lists?: JiraListsService }) {
  return (fastify: FastifyInstance): void => {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    const { delivery } = deps;
    app.addSchema(JobSchema);
    app.addSchema(AttemptSchema);
    app.addSchema(SiteSchema);
    const tags = ['delivery'];

    app.post('/api/alerts/:id/dispatch', {
      config: { permission: 'alerts:dispatch' },
      schema: {
        tags,
        summary: 'Send an alert by hand to a destination that allows manual dispatch',
        params: IdParams,
        body: Type.Object({ destinationId: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false }),
        response: { 202: Type.Ref('DeliveryJob'), ...errorResponses },
      },
      handler: async (request, reply) => {
        const { id } = request.params;
        const { destinationId } = request.body;
        return reply.code(202).send(jobJson(await delivery.dispatch(actorOf(request), id, destinationId)));
      },
    });

    app.get('/api/alerts/:id/deliveries', {
      config: { permission: 'alerts:read' },
      schema: {
        tags,
        summary: "An alert's Jira issues, delivery jobs and every attempt (with Jira's messages)",
        params: IdParams,
        response: { 200: Type.Object({ links: Type.Array(LinkSchema), jobs: Type.Array(Type.Ref('DeliveryJob')), attempts: Type.Array(Type.Ref('DeliveryAttempt')) }), ...errorResponses },
      },
      handler: async (request) => {
        const r = await delivery.forAlert(request.params.id);
        return { links: r.links.map(linkJson), jobs: r.jobs.map(jobJson), attempts: r.attempts.map(attemptJson) };
      },
    });

    app.get('/api/destinations/:id/deliveries', {
      config: { permission: 'destinations:read' },
      schema: {
        tags,
        summary: "A destination's delivery log, newest first",
        params: IdParams,
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            queue: Type.Object(
              { pending: Type.Integer(), running: Type.Integer(), blocked: Type.Integer(), paused: Type.Integer(), failed: Type.Integer() },
              { description: 'How many of its jobs are in each open state (blocked ones wait for a change of the destination)' },
            ),
            jobs: Type.Array(Type.Ref('DeliveryJob')),
            attempts: Type.Array(Type.Ref('DeliveryAttempt')),
          }),
          ...errorResponses,
        },
      },
      handler: async (request) => {
        const r = await delivery.forDestination(request.params.id, request.query.limit);
        return { queue: r.queue, jobs: r.jobs.map(jobJson), attempts: r.attempts.map(attemptJson) };
      },
    });

    app.post('/api/destinations/:id/resume', {
      config: { permission: 'destinations:write' },
      schema: {
        tags,
        summary: "Release the destination's blocked deliveries (in order) without changing it",
        params: IdParams,
        response: { 200: Type.Object({ released: Type.Integer() }), ...errorResponses },
      },
      handler: async (request) => delivery.resume(actorOf(request), request.params.id),
    });

    app.post('/api/destinations/:id/deliveries/replay-failed', {
      config: { permission: 'alerts:dispatch' },
      schema: {
        tags,
        summary: "Replay every failed or blocked delivery of the destination; each searches Jira before creating",
        params: IdParams,
        response: { 202: Type.Object({ replayed: Type.Array(Type.String()) }), ...errorResponses },
      },
      handler: async (request, reply) => reply.code(202).send(await delivery.replayFailed(actorOf(request), request.params.id)),
    });

    app.get('/api/deliveries/:id', {
      config: { permission: 'alerts:read' },
      schema: { tags, summary: 'One delivery job with its attempts', params: IdParams, response: { 200: Type.Object({ job: Type.Ref('DeliveryJob'), attempts: Type.Array(Type.Ref('DeliveryAttempt')) }), ...errorResponses } },
      handler: async (request) => {
        const r = await delivery.job(request.params.id);
        return { job: jobJson(r.job), attempts: r.attempts.map(attemptJson) };
      },
    });

    app.post('/api/deliveries/:id/retry', {
      config: { permission: 'alerts:dispatch' },
      schema: { tags, summary: 'Replay a failed (or blocked) delivery once its cause is fixed; it searches Jira before creating', params: IdParams, response: { 202: Type.Ref('DeliveryJob'), ...errorResponses } },
      handler: async (request, reply) => reply.code(202).send(jobJson(await delivery.retry(actorOf(request), request.params.id))),
    });

    app.post('/api/destinations/:id/test', {
      config: { permission: 'destinations:write' },
      schema: {
        tags,
        summary: "Send a test alert (priority lane) and answer, within 15 s, with the issue key or Jira's status and message",
        params: IdParams,
        response: {
          200: Type.Object({
            outcome: Type.String({ description: 'created, failed or pending' }),
            jobId: Type.String(),
            issueKey: Type.Optional(Type.String()),
            issueUrl: Type.Optional(Type.String()),
            status: Type.Optional(Nullable(Type.Integer())),
            message: Type.Optional(Type.String()),
            jiraMessages: Type.Optional(Type.Array(Type.String())),
            warnings: Type.Array(Type.String(), { description: "statusMapping names the project's workflows do not have, or why they could not be checked" }),
          }),
          ...errorResponses,
        },
      },
      handler: async (request) => {
        const [outcome, warnings] = await Promise.all([
          delivery.sendTest(actorOf(request), request.params.id),
          deps.lists ? deps.lists.statusMappingWarnings(request.params.id) : Promise.resolve([]),
        ]);
        return { ...outcome, warnings };
      },
    });

    app.get('/api/jira-sites', {
      config: { permission: 'destinations:read' },
      schema: { tags, summary: 'Jira sites with their shared rate limit', response: { 200: Type.Object({ sites: Type.Array(Type.Ref('JiraSite')) }), ...errorResponses } },
      handler: async () => ({ sites: await deps.sites.list() }),
    });

    app.put('/api/jira-sites/:host/rate-limit', {
      config: { permission: 'destinations:write' },
      schema: {
        tags,
        summary: `Set the requests per second (${SITE_RATE_RANGE.min} to ${SITE_RATE_RANGE.max}) that all destinations and replicas together send to the Jira site of an existing destination (404 otherwise); audited`,
        params: Type.Object({ host: Type.String({ minLength: 1, maxLength: 300, pattern: '^[a-z0-9.-]+(:[0-9]+)?$' }) }),
        body: Type.Object(
          { ratePerSec: Type.Number({ minimum: SITE_RATE_RANGE.min, maximum: SITE_RATE_RANGE.max }), burst: Type.Optional(Type.Number({ minimum: SITE_BURST_RANGE.min, maximum: SITE_BURST_RANGE.max })) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Ref('JiraSite'), ...errorResponses },
      },
      handler: async (request) => {
        const { host } = request.params;
        const { ratePerSec, burst } = request.body;
        return deps.sites.setRate(actorOf(request), host, ratePerSec, burst);
      },
    });
  };
}
