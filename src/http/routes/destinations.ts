import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Destination } from '../../destinations/destination.js';
import type { DestinationsService, SaveResult } from '../../destinations/destinations-service.js';
import { actorOf } from '../auth.js';
import { IdParams, Nullable, errorResponses, iso } from '../schemas/common.js';
import { DestinationPatchBody, DestinationSchema, NewDestinationBody, SaveResponse, WebhookSchema } from '../schemas/destinations.js';

export function destinationJson(d: Destination, webhookUrl: string) {
  return {
    ...d,
    hasApiToken: true,
    webhookUrl: d.hasWebhookSecret ? webhookUrl : null,
    createdAt: iso(d.createdAt),
    updatedAt: iso(d.updatedAt),
  };
}

/** Destination routes (bodies may hold an API token: see http/json-parser.ts for parse errors). */
export function destinationRoutes(deps: { destinations: DestinationsService }) {
  return (app: FastifyInstance): void => {
    app.addSchema(DestinationSchema);
    app.addSchema(WebhookSchema);
    register(app, deps.destinations);
  };
}

function register(fastify: FastifyInstance, destinations: DestinationsService): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['destinations'];
  const json = (d: Destination) => destinationJson(d, destinations.webhookUrl(d.id));
  const saved = (r: SaveResult) => ({ destination: json(r.destination), warnings: r.warnings, ...(r.webhook ? { webhook: r.webhook } : {}) });

  app.post('/api/destinations', {
    config: { permission: 'destinations:write' },
    schema: {
      tags,
      summary: 'Create a Jira Cloud destination; with two-way sync the answer carries the webhook secret, once',
      body: NewDestinationBody,
      response: { 201: SaveResponse, ...errorResponses },
    },
    handler: async (request, reply) => {
      const r = await destinations.create(actorOf(request), request.body);
      return reply.code(201).header('cache-control', 'no-store').send(saved(r));
    },
  });

  app.get('/api/destinations', {
    config: { permission: 'destinations:read' },
    schema: { tags, summary: 'List destinations (never their secrets)', response: { 200: Type.Object({ destinations: Type.Array(Type.Ref('Destination')) }), ...errorResponses } },
    handler: async () => ({ destinations: (await destinations.list()).map(json) }),
  });

  app.get('/api/destinations/:id', {
    config: { permission: 'destinations:read' },
    schema: { tags, summary: 'One destination (never its secrets)', params: IdParams, response: { 200: Type.Ref('Destination'), ...errorResponses } },
    handler: async (request) => json(await destinations.get(request.params.id)),
  });

  app.patch('/api/destinations/:id', {
    config: { permission: 'destinations:write' },
    schema: {
      tags,
      summary: 'Update a destination (partial); a new domain or email needs the apiToken again',
      params: IdParams,
      body: DestinationPatchBody,
      response: { 200: SaveResponse, ...errorResponses },
    },
    handler: async (request, reply) => {
      const r = await destinations.update(actorOf(request), request.params.id, request.body);
      return reply.header('cache-control', 'no-store').send(saved(r));
    },
  });

  app.delete('/api/destinations/:id', {
    config: { permission: 'destinations:write' },
    schema: { tags, summary: 'Delete a destination', params: IdParams, response: { 204: Type.Null(), ...errorResponses } },
    handler: async (request, reply) => {
      await destinations.delete(actorOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  });

  app.post('/api/destinations/:id/webhook-secret/rotate', {
    config: { permission: 'destinations:write' },
    schema: {
      tags,
      summary: 'Issue a new webhook secret (shown once); the previous one stays valid for the grace period',
      params: IdParams,
      response: { 200: Type.Object({ webhook: Type.Ref('DestinationWebhook'), previousValidUntil: Nullable(Type.String()) }), ...errorResponses },
    },
    handler: async (request, reply) => {
      const r = await destinations.rotateWebhookSecret(actorOf(request), request.params.id);
      return reply
        .header('cache-control', 'no-store')
        .send({ webhook: { url: r.url, secret: r.secret }, previousValidUntil: r.previousValidUntil === null ? null : iso(r.previousValidUntil) });
    },
  });
}
