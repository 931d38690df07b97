// Manual Jira account mappings per Jira site (admin only; audited): docs/sync.md "Manual account
// mapping". The host is a site a destination uses (GET /api/jira-sites lists them).
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { JiraAccountMappingsService } from '../../delivery/jira-account-mappings-service.js';
import type { JiraAccountMapping } from '../../storage/repositories/jira-account-mappings.js';
import { actorOf } from '../auth.js';
import { errorResponses, iso } from '../schemas/common.js';

const Host = Type.String({ minLength: 1, maxLength: 300, pattern: '^[a-z0-9.-]+(:[0-9]+)?$', description: 'the Jira site, lower-case host[:port] as in GET /api/jira-sites' });
const UserId = Type.String({ minLength: 1, maxLength: 100 });
const MappingSchema = Type.Object(
  { siteHost: Type.String(), userId: Type.String(), accountId: Type.String(), createdAt: Type.String(), updatedAt: Type.String() },
  { $id: 'JiraAccountMapping' },
);

const json = (m: JiraAccountMapping) => ({ siteHost: m.siteHost, userId: m.userId, accountId: m.accountId, createdAt: iso(m.createdAt), updatedAt: iso(m.updatedAt) });

export function jiraAccountMappingRoutes(deps: { mappings: JiraAccountMappingsService }) {
  return (fastify: FastifyInstance): void => {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    app.addSchema(MappingSchema);
    const { mappings } = deps;
    const tags = ['jira account mappings'];
    const config = { permission: 'users:write' as const };
    const OneParams = Type.Object({ host: Host, userId: UserId });

    app.get('/api/jira-sites/:host/account-mappings', {
      config,
      schema: { tags, summary: 'Manual Jira account mappings of a Jira site (alertsync user → Jira accountId)', params: Type.Object({ host: Host }), response: { 200: Type.Object({ mappings: Type.Array(Type.Ref('JiraAccountMapping')) }), ...errorResponses } },
      handler: async (request) => ({ mappings: (await mappings.list(request.params.host)).map(json) }),
    });
    app.get('/api/jira-sites/:host/account-mappings/:userId', {
      config,
      schema: { tags, summary: "One user's manual Jira account mapping on a Jira site", params: OneParams, response: { 200: Type.Ref('JiraAccountMapping'), ...errorResponses } },
      handler: async (request) => json(await mappings.get(request.params.host, request.params.userId)),
    });
    app.put('/api/jira-sites/:host/account-mappings/:userId', {
      config,
      schema: {
        tags,
        summary: 'Map an alertsync user to a Jira accountId on a Jira site (wins over the email search of the assignee sync); audited',
        params: OneParams,
        body: Type.Object({ accountId: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false }),
        response: { 200: Type.Ref('JiraAccountMapping'), ...errorResponses },
      },
      handler: async (request) => json(await mappings.set(actorOf(request), request.params.host, request.params.userId, request.body.accountId)),
    });
    app.delete('/api/jira-sites/:host/account-mappings/:userId', {
      config,
      schema: { tags, summary: "Remove a user's manual Jira account mapping (the email search applies again); audited", params: OneParams, response: { 204: Type.Null(), ...errorResponses } },
      handler: async (request, reply) => {
        await mappings.remove(actorOf(request), request.params.host, request.params.userId);
        return reply.code(204).send(null);
      },
    });
  };
}
