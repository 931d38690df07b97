import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ROLES, type User } from '../../users/user.js';
import type { UsersService } from '../../users/users-service.js';
import type { ApiTokenRecord } from '../../storage/repositories/tokens.js';
import { actorOf } from '../auth.js';
import { lit } from '../schemas/alerts.js';
import { IdParams, Iso, Nullable, errorResponses, iso, isoOrNull } from '../schemas/common.js';

const RoleSchema = lit(ROLES);
const UserSchema = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    name: Type.String(),
    role: RoleSchema,
    disabled: Type.Boolean(),
    hasPassword: Type.Boolean({ description: 'a console password is set (POST /api/users/{id}/invites creates the link to set one)' }),
    createdAt: Iso,
    updatedAt: Iso,
  },
  { $id: 'User' },
);
const TokenSchema = Type.Object(
  { id: Type.String(), userId: Type.String(), name: Type.String(), prefix: Type.String(), createdAt: Iso, expiresAt: Nullable(Iso), lastUsedAt: Nullable(Iso), revokedAt: Nullable(Iso) },
  { $id: 'ApiToken' },
);
const Email = Type.String({ format: 'email', minLength: 3, maxLength: 320 });
const Name = Type.String({ minLength: 1, maxLength: 200 });

const userJson = (u: User) => ({ ...u, createdAt: iso(u.createdAt), updatedAt: iso(u.updatedAt) });
const tokenJson = (t: ApiTokenRecord) => ({ ...t, createdAt: iso(t.createdAt), expiresAt: isoOrNull(t.expiresAt), lastUsedAt: isoOrNull(t.lastUsedAt), revokedAt: isoOrNull(t.revokedAt) });

export function userRoutes(deps: { users: UsersService }) {
  return (fastify: FastifyInstance): void => register(fastify, deps);
}

function register(fastify: FastifyInstance, deps: { users: UsersService }): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { users } = deps;
  const tags = ['users'];
  app.addSchema(UserSchema);
  app.addSchema(TokenSchema);

  app.post('/api/users', {
    config: { permission: 'users:write' },
    schema: { tags, summary: 'Create a user', body: Type.Object({ email: Email, name: Name, role: RoleSchema }, { additionalProperties: false }), response: { 201: Type.Ref('User'), ...errorResponses } },
    handler: async (request, reply) => reply.code(201).send(userJson(await users.create(actorOf(request), request.body))),
  });

  app.get('/api/users', {
    config: { permission: 'users:read' },
    schema: { tags, summary: 'List users', response: { 200: Type.Object({ users: Type.Array(Type.Ref('User')) }), ...errorResponses } },
    handler: async () => ({ users: (await users.list()).map(userJson) }),
  });

  app.get('/api/users/me', {
    config: { permission: 'self:read' },
    schema: { tags, summary: 'The user behind the token', response: { 200: Type.Ref('User'), ...errorResponses } },
    handler: async (request) => userJson(request.user!),
  });

  app.get('/api/users/:id', {
    config: { permission: 'users:read' },
    schema: { tags, summary: 'One user', params: IdParams, response: { 200: Type.Ref('User'), ...errorResponses } },
    handler: async (request) => userJson(await users.get(request.params.id)),
  });

  app.patch('/api/users/:id', {
    config: { permission: 'users:write' },
    schema: {
      tags,
      summary: 'Update a user (email, name, role) or disable it (disabled: true)',
      params: IdParams,
      body: Type.Object({ email: Type.Optional(Email), name: Type.Optional(Name), role: Type.Optional(RoleSchema), disabled: Type.Optional(Type.Boolean()) }, { additionalProperties: false, minProperties: 1 }),
      response: { 200: Type.Ref('User'), ...errorResponses },
    },
    handler: async (request) => userJson(await users.update(actorOf(request), request.params.id, request.body)),
  });

  app.post('/api/users/:id/tokens', {
    config: { permission: 'users:write' },
    schema: {
      tags,
      summary: 'Create an API token for a user; the token is in this answer only',
      params: IdParams,
      body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), expiresInDays: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 3650 }))) }, { additionalProperties: false }),
      response: { 201: Type.Object({ token: Type.String(), apiToken: Type.Ref('ApiToken') }), ...errorResponses },
    },
    handler: async (request, reply) => {
      const { token, record } = await users.createToken(actorOf(request), request.params.id, request.body);
      return reply.code(201).header('cache-control', 'no-store').send({ token, apiToken: tokenJson(record) });
    },
  });

  app.get('/api/users/:id/tokens', {
    config: { permission: 'users:write' },
    schema: { tags, summary: "List a user's tokens (never the tokens themselves)", params: IdParams, response: { 200: Type.Object({ tokens: Type.Array(Type.Ref('ApiToken')) }), ...errorResponses } },
    handler: async (request) => ({ tokens: (await users.listTokens(request.params.id)).map(tokenJson) }),
  });

  app.delete('/api/users/:id/tokens/:tokenId', {
    config: { permission: 'users:write' },
    schema: { tags, summary: 'Revoke a token', params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }), tokenId: Type.String({ minLength: 1, maxLength: 100 }) }), response: { 204: Type.Null(), ...errorResponses } },
    handler: async (request, reply) => {
      const { id, tokenId } = request.params;
      await users.revokeToken(actorOf(request), id, tokenId);
      return reply.code(204).send(null);
    },
  });
}
