// Authentication and role checks, before the body is even read: a bearer token (API clients) or
// the console's session cookie. Each route declares the permission it needs in its config;
// docs/api.md lists the roles that hold each permission. With the session cookie, every change
// must carry the session's CSRF token (X-CSRF-Token); bearer requests need none.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { forbidden, unauthorized } from '../errors.js';
import { may, type Actor, type Origin, type Permission, type User } from '../users/user.js';
import type { UsersService } from '../users/users-service.js';
import type { ConsoleAuthService } from '../users/console-auth-service.js';
import { csrfRequired, type AuthKind } from '../users/console-rules.js';
import { safeEqual } from '../security/tokens.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Permission needed; 'public' = no token. Every /api route must set it. */
    permission?: Permission | 'public';
  }
  interface FastifyRequest {
    user: User | null;
    /** How the caller was authenticated: a bearer token or the console's session cookie. */
    authKind: AuthKind | null;
  }
}

/** The one answer to a token that is unknown, revoked, expired or belongs to a disabled user. */
export const REFUSED = 'the API token is not valid';
/** The one answer to a session cookie that is unknown, ended (idle or too old) or belongs to a disabled user. */
export const SESSION_REFUSED = 'the console session is not valid or has ended; sign in again';
export const SESSION_COOKIE = 'alertsync_session';
export const CSRF_HEADER = 'x-csrf-token';

export function installAuth(app: FastifyInstance, users: UsersService, consoleAuth: ConsoleAuthService): void {
  app.decorateRequest('user', null);
  app.decorateRequest('authKind', null);
  app.addHook('onRequest', async (request) => {
    const permission = request.routeOptions.config.permission;
    if (permission === undefined || permission === 'public') return;
    const header = request.headers.authorization;
    const cookie = request.cookies?.[SESSION_COOKIE];
    let user: User;
    if (header || !cookie) {
      // A bearer token wins over a cookie: an API client's request is never a console request.
      if (!header) throw unauthorized('a valid API token is required (Authorization: Bearer <token>), or a console session');
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!m) throw unauthorized('the Authorization header must be "Bearer <token>"');
      const outcome = await users.authenticate(m[1]!);
      if ('refused' in outcome) {
        // One answer for every refused token; why it was refused is for the log only.
        request.log.info({ tokenRefused: outcome.refused }, 'API token refused');
        throw unauthorized(REFUSED);
      }
      user = outcome.user;
      request.authKind = 'bearer';
    } else {
      const outcome = await consoleAuth.resolve(cookie);
      if ('refused' in outcome) {
        request.log.info({ sessionRefused: outcome.refused }, 'console session refused');
        throw unauthorized(SESSION_REFUSED);
      }
      user = outcome.user;
      request.authKind = 'session';
      if (csrfRequired(request.method, 'session') && !csrfMatches(request.headers[CSRF_HEADER], outcome.csrfToken)) {
        throw forbidden('a change made with the console session needs its CSRF token in the X-CSRF-Token header (from POST or GET /api/session)', 'csrf');
      }
    }
    request.user = user;
    if (!may(user.role, permission)) throw forbidden(`the ${user.role} role may not do this (needs ${permission})`);
  });
}

export function csrfMatches(sent: string | string[] | undefined, expected: string): boolean {
  return typeof sent === 'string' && safeEqual(sent, expected);
}

export function actorOf(request: FastifyRequest): Actor {
  const u = request.user;
  if (!u) throw unauthorized('not authenticated');
  return { type: 'user', id: u.id, name: u.name };
}

/** A change made with the console's session comes from the console; everything else is the API. */
export function originOf(request: FastifyRequest): Origin {
  return request.authKind === 'session' ? 'console' : 'api';
}
