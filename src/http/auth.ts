// Bearer-token authentication and role checks, before the body is even read. Each route declares
// the permission it needs in its config; docs/api.md lists the roles that hold each permission.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { forbidden, unauthorized } from '../errors.js';
import { may, type Actor, type Origin, type Permission, type User } from '../users/user.js';
import type { UsersService } from '../users/users-service.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Permission needed; 'public' = no token. Every /api route must set it. */
    permission?: Permission | 'public';
  }
  interface FastifyRequest {
    user: User | null;
  }
}

/** The one answer to a token that is unknown, revoked, expired or belongs to a disabled user. */
export const REFUSED = 'the API token is not valid';

export function installAuth(app: FastifyInstance, users: UsersService): void {
  app.decorateRequest('user', null);
  app.addHook('onRequest', async (request) => {
    const permission = request.routeOptions.config.permission;
    if (permission === undefined || permission === 'public') return;
    const header = request.headers.authorization;
    if (!header) throw unauthorized('a valid API token is required (Authorization: Bearer <token>)');
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw unauthorized('the Authorization header must be "Bearer <token>"');
    const outcome = await users.authenticate(m[1]!);
    if ('refused' in outcome) {
      // One answer for every refused token; why it was refused is for the log only.
      request.log.info({ tokenRefused: outcome.refused }, 'API token refused');
      throw unauthorized(REFUSED);
    }
    const { user } = outcome;
    request.user = user;
    if (!may(user.role, permission)) throw forbidden(`the ${user.role} role may not do this (needs ${permission})`);
  });
}

export function actorOf(request: FastifyRequest): Actor {
  const u = request.user;
  if (!u) throw unauthorized('not authenticated');
  return { type: 'user', id: u.id, name: u.name };
}

/** The console marks its requests; everything else is the API. */
export function originOf(request: FastifyRequest): Origin {
  return request.headers['x-alertsync-client'] === 'console' ? 'console' : 'api';
}
