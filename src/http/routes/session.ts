// The console's sign-in: POST/GET/DELETE /api/session (cookie alertsync_session, CSRF token in the
// answer) and the invite links an admin creates for a user to set a password.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { ConsoleAuthService } from '../../users/console-auth-service.js';
import type { User } from '../../users/user.js';
import { ROLES } from '../../users/user.js';
import { unauthorized } from '../../errors.js';
import { lit } from '../schemas/alerts.js';
import { IdParams, Iso, errorResponses, iso } from '../schemas/common.js';
import { CSRF_HEADER, SESSION_COOKIE, SESSION_REFUSED, actorOf, csrfMatches } from '../auth.js';
import { forbidden } from '../../errors.js';

const SessionUser = Type.Object({ id: Type.String(), email: Type.String(), name: Type.String(), role: lit(ROLES) });
const SessionBody = Type.Object({ user: SessionUser, csrfToken: Type.String({ description: 'send it as X-CSRF-Token with every change made with this session' }) });
const TokenParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) });
const responses = { ...errorResponses, 429: Type.Ref('Error') };

const sessionUser = (u: User) => ({ id: u.id, email: u.email, name: u.name, role: u.role });

export interface SessionRouteDeps {
  consoleAuth: ConsoleAuthService;
  /** ALERTSYNC_PUBLIC_URL: invite links point at it; an https one makes the cookie Secure. */
  publicUrl: string;
}

export function sessionRoutes(deps: SessionRouteDeps) {
  return (fastify: FastifyInstance): void => register(fastify, deps);
}

function register(fastify: FastifyInstance, deps: SessionRouteDeps): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { consoleAuth } = deps;
  const tags = ['session'];
  const publicHttps = deps.publicUrl.startsWith('https:');
  const cookieOptions = (request: FastifyRequest) => ({
    httpOnly: true,
    sameSite: 'strict' as const,
    path: '/',
    secure: publicHttps || request.protocol === 'https',
  });
  const clearCookie = (request: FastifyRequest, reply: FastifyReply) => reply.clearCookie(SESSION_COOKIE, cookieOptions(request));

  app.post('/api/session', {
    config: { permission: 'public' },
    schema: {
      tags,
      summary: 'Sign in to the console with email and password: sets the session cookie, answers the CSRF token',
      security: [],
      body: Type.Object({ email: Type.String({ minLength: 1, maxLength: 320 }), password: Type.String({ minLength: 1, maxLength: 4096 }) }, { additionalProperties: false }),
      response: { 200: SessionBody, ...responses },
    },
    handler: async (request, reply) => {
      const { email, password } = request.body;
      const signedIn = await consoleAuth.login(email, password, request.ip, (why) => request.log.info({ loginRefused: why }, 'console sign-in refused'));
      // A session the browser still held ends: one browser, one session.
      const previous = request.cookies[SESSION_COOKIE];
      if (previous) await consoleAuth.logout(previous);
      reply.setCookie(SESSION_COOKIE, signedIn.sessionId, { ...cookieOptions(request), maxAge: Math.floor(consoleAuth.settings.session.maxMs / 1000) });
      return reply.header('cache-control', 'no-store').send({ user: sessionUser(signedIn.user), csrfToken: signedIn.csrfToken });
    },
  });

  app.get('/api/session', {
    config: { permission: 'public' },
    schema: { tags, summary: "The console session's user and CSRF token (401 without a valid session)", security: [], response: { 200: SessionBody, ...errorResponses } },
    handler: async (request, reply) => {
      const cookie = request.cookies[SESSION_COOKIE];
      if (!cookie) throw unauthorized('not signed in');
      const outcome = await consoleAuth.resolve(cookie);
      if ('refused' in outcome) {
        request.log.info({ sessionRefused: outcome.refused }, 'console session refused');
        clearCookie(request, reply);
        throw unauthorized(SESSION_REFUSED);
      }
      return reply.header('cache-control', 'no-store').send({ user: sessionUser(outcome.user), csrfToken: outcome.csrfToken });
    },
  });

  app.delete('/api/session', {
    config: { permission: 'public' },
    schema: { tags, summary: 'Sign out: the session ends on the server (needs X-CSRF-Token while the session is valid)', security: [], response: { 204: Type.Null(), ...errorResponses } },
    handler: async (request, reply) => {
      const cookie = request.cookies[SESSION_COOKIE];
      if (cookie) {
        const outcome = await consoleAuth.resolve(cookie);
        if (!('refused' in outcome)) {
          if (!csrfMatches(request.headers[CSRF_HEADER], outcome.csrfToken)) {
            throw forbidden('signing out needs the session\'s CSRF token in the X-CSRF-Token header', 'csrf');
          }
          await consoleAuth.logout(cookie);
        }
      }
      clearCookie(request, reply);
      return reply.code(204).send(null);
    },
  });

  app.post('/api/users/:id/invites', {
    config: { permission: 'users:write' },
    schema: {
      tags: ['users'],
      summary: 'Create a one-time invite link for a user to set a console password (earlier unused links of the user stop working)',
      params: IdParams,
      response: { 201: Type.Object({ url: Type.String(), expiresAt: Iso }), ...errorResponses },
    },
    handler: async (request, reply) => {
      const { token, expiresAt } = await consoleAuth.createInvite(actorOf(request), request.params.id);
      return reply.code(201).header('cache-control', 'no-store').send({ url: `${deps.publicUrl}/invite/${token}`, expiresAt: iso(expiresAt) });
    },
  });

  app.get('/api/invites/:token', {
    config: { permission: 'public' },
    schema: {
      tags,
      summary: 'Who an invite link is for, while it can be used (404 when unknown, used or expired)',
      security: [],
      params: TokenParams,
      response: { 200: Type.Object({ email: Type.String(), name: Type.String(), expiresAt: Iso }), ...errorResponses },
    },
    handler: async (request, reply) => {
      const { user, expiresAt } = await consoleAuth.lookupInvite(request.params.token);
      return reply.header('cache-control', 'no-store').send({ email: user.email, name: user.name, expiresAt: iso(expiresAt) });
    },
  });

  app.post('/api/invites/:token', {
    config: { permission: 'public' },
    schema: {
      tags,
      summary: "Set the password through an invite link (12 to 256 characters): the link is used up and the user's sessions end",
      security: [],
      params: TokenParams,
      body: Type.Object({ password: Type.String({ minLength: 1, maxLength: 4096 }) }, { additionalProperties: false }),
      response: { 204: Type.Null(), ...errorResponses },
    },
    handler: async (request, reply) => {
      await consoleAuth.acceptInvite(request.params.token, request.body.password);
      return reply.code(204).send(null);
    },
  });
}
