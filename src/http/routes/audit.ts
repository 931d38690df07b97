import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AuditService } from '../../audit/audit-service.js';
import { Nullable, errorResponses, iso } from '../schemas/common.js';

export function auditRoutes(deps: { audit: AuditService }) {
  return (fastify: FastifyInstance): void => register(fastify, deps.audit);
}

function register(fastify: FastifyInstance, audit: AuditService): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/api/audit', {
    config: { permission: 'audit:read' },
    schema: {
      tags: ['audit'],
      summary: 'Audit log, newest first: destination, token, secret and user changes, dispatches and retries',
      querystring: Type.Object(
        {
          before: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })),
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
          action: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
          targetId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
        },
        { additionalProperties: false },
      ),
      response: {
        200: Type.Object({
          entries: Type.Array(
            Type.Object({
              id: Type.Integer(),
              at: Type.String(),
              actor: Type.Object({ id: Nullable(Type.String()), name: Type.String() }),
              action: Type.String(),
              targetType: Type.String(),
              targetId: Nullable(Type.String()),
              details: Type.Record(Type.String(), Type.Unknown()),
            }),
          ),
        }),
        ...errorResponses,
      },
    },
    handler: async (request) => {
      const entries = await audit.list(request.query);
      return { entries: entries.map((e) => ({ ...e, at: iso(e.at) })) };
    },
  });
}
