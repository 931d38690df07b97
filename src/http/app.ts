// The HTTP application as a function of its dependencies: main.ts runs it, tests build it on
// real storage and call it over loopback.
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import cookie from '@fastify/cookie';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Storage } from '../storage/db.js';
import type { UsersService } from '../users/users-service.js';
import type { AlertsService } from '../alerts/alerts-service.js';
import type { AuditService } from '../audit/audit-service.js';
import type { ConsoleAuthService } from '../users/console-auth-service.js';
import { installAuth } from './auth.js';
import { installErrorHandling } from './error-handler.js';
import { installConsole, type PageFallback } from './console-static.js';
import { installValidation } from './validation.js';
import { installSafeJsonParser } from './json-parser.js';
import { installNulGuard } from './nul-guard.js';
import { installHttpMetrics } from './metrics.js';
import { createCursorCodec } from './cursor.js';
import { ErrorBody } from './schemas/common.js';
import { AlertSchema, CommentSchema } from './schemas/alerts.js';
import { alertRoutes } from './routes/alerts.js';
import { userRoutes } from './routes/users.js';
import { auditRoutes } from './routes/audit.js';
import { healthRoutes } from './routes/health.js';
import { sessionRoutes } from './routes/session.js';

export interface AppDeps {
  logger: Logger;
  storage: Storage;
  metrics: Registry;
  users: UsersService;
  alerts: AlertsService;
  limits: { maxBodyBytes: number; maxBatchBodyBytes: number; maxJsonDepth: number };
  /** HTTP server timeouts in milliseconds (docs/configuration.md). */
  timeouts: { requestMs: number; headersMs: number; connectionMs: number; keepAliveMs: number };
  /** Key that signs list cursors (derived from ALERTSYNC_SECRET_KEY). */
  cursorKey: Buffer;
  /** Bearer token for /metrics; null = loopback callers only. */
  metricsToken: string | null;
  warnings: () => string[];
  audit: AuditService;
  /** The console's sign-in, sessions and invites. */
  consoleAuth: ConsoleAuthService;
  /** ALERTSYNC_PUBLIC_URL, without a trailing slash. */
  publicUrl: string;
  /** The built web console served at `/` (ALERTSYNC_CONSOLE_DIR); null = none (tests of the API alone). */
  consoleDir: string | null;
  /** Extra route groups (destinations, delivery, webhooks) registered by their own modules. */
  plugins?: RouteGroup[];
}

/** A group of routes, made from the services it calls (routes call services only). */
export type RouteGroup = (app: FastifyInstance) => void;

export interface RouteInfo {
  method: string;
  url: string;
  permission: string;
  summary: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route with the permission it needs: docs/api.md is generated from it. */
    routeTable: RouteInfo[];
  }
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: deps.limits.maxBodyBytes,
    // A client gets requestMs for the whole request (headers and body) and headersMs for its
    // headers; an idle socket is closed after connectionMs, an idle keep-alive one after keepAliveMs.
    requestTimeout: deps.timeouts.requestMs,
    connectionTimeout: deps.timeouts.connectionMs,
    keepAliveTimeout: deps.timeouts.keepAliveMs,
    http: {
      headersTimeout: deps.timeouts.headersMs,
      requestTimeout: deps.timeouts.requestMs,
      // How often Node checks those timeouts (its default, 30 s, would let a short timeout run long).
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(deps.timeouts.headersMs / 4))),
    },
    trustProxy: false,
    return503OnClosing: true,
    ajv: { customOptions: { removeAdditional: false } },
  });
  // The API speaks JSON only: anything else is answered 415 instead of reaching validation as text.
  app.removeContentTypeParser('text/plain');
  installSafeJsonParser(app, { maxDepth: deps.limits.maxJsonDepth });
  installNulGuard(app);
  installValidation(app);
  let pages: PageFallback | null = null;
  installErrorHandling(app, () => pages);
  installHttpMetrics(app, deps.metrics);

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'alertsync API', version: '0.1.0', description: 'Alerts, users, destinations and delivery. Roles per endpoint: docs/api.md.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  app.addSchema(ErrorBody);
  app.addSchema(AlertSchema);
  app.addSchema(CommentSchema);

  const routeTable: RouteInfo[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) {
      if (method === 'HEAD') continue;
      routeTable.push({ method, url: r.url, permission: r.config?.permission ?? 'public', summary: (r.schema as { summary?: string } | undefined)?.summary ?? '' });
    }
  });
  // Reads the console's session cookie (docs/decisions/fastify-cookie.md); nothing is signed with it.
  await app.register(cookie);
  installAuth(app, deps.users, deps.consoleAuth);
  // Every route group is registered the same way: a function of its services, given the app. (Not
  // app.register: an encapsulated context would compile its schemas with Fastify's default Ajv,
  // which coerces types, instead of the strict body validator of http/validation.ts.)
  const groups: RouteGroup[] = [
    healthRoutes(deps),
    alertRoutes({ alerts: deps.alerts, users: deps.users, maxBatchBodyBytes: deps.limits.maxBatchBodyBytes, cursors: createCursorCodec(deps.cursorKey) }),
    userRoutes({ users: deps.users }),
    sessionRoutes({ consoleAuth: deps.consoleAuth, publicUrl: deps.publicUrl }),
    auditRoutes({ audit: deps.audit }),
    ...(deps.plugins ?? []),
  ];
  for (const group of groups) group(app);

  // The web console at `/`, after the API's routes (its wildcard only gets what they do not match).
  if (deps.consoleDir !== null) pages = await installConsole(app, deps.consoleDir);

  app.get('/api/openapi.json', { config: { permission: 'public' }, schema: { hide: true } }, async () => app.swagger());
  await app.ready();
  return app;
}
