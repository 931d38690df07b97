// Wires the service together: storage, migrations, keys, bootstrap admin, domain services, HTTP.
import { chmodSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { systemClock, type Clock } from './clock.js';
import { openStorage, type Storage } from './storage/db.js';
import { migrateToLatest } from './storage/migrate.js';
import { checkKeyFingerprint, loadSecretBox } from './security/key-store.js';
import type { SecretBox } from './security/secret-box.js';
import { UsersService } from './users/users-service.js';
import { ConsoleAuthService } from './users/console-auth-service.js';
import { AlertsService } from './alerts/alerts-service.js';
import { buildApp } from './http/app.js';
import { createMetrics } from './http/metrics.js';
import { AuditService } from './audit/audit-service.js';
import { DestinationsService } from './destinations/destinations-service.js';
import { hostRefusal, systemResolve } from './destinations/host-policy.js';
import { destinationRoutes } from './http/routes/destinations.js';
import { deliveryRoutes } from './http/routes/delivery.js';
import { DeliveryService } from './delivery/delivery-service.js';
import { DeliveryWorker } from './delivery/worker.js';
import { DbSiteRateLimiter } from './delivery/rate-limiter.js';
import { JiraSitesService } from './delivery/jira-sites-service.js';
import { JiraInboxService } from './sync/jira-inbox-service.js';
import { jiraWebhookRoutes } from './http/routes/jira-webhooks.js';
import { createJiraAccess } from './delivery/jira-access.js';
import { installDeliveryMetrics } from './delivery/metrics.js';
import { createJobLock } from './delivery/job-lock.js';
import { listenForWork } from './storage/notify.js';
import { setDestinationError } from './storage/repositories/destination-errors.js';
import { benchRoutes } from './http/routes/bench.js';
import { JiraListsService } from './delivery/jira-lists-service.js';
import { jiraListRoutes } from './http/routes/jira-lists.js';
import { JiraAccountMappingsService } from './delivery/jira-account-mappings-service.js';
import { jiraAccountMappingRoutes } from './http/routes/jira-account-mappings.js';
import { SiteRequestMeter } from './delivery/site-request-meter.js';
import { OverviewService } from './overview/overview-service.js';
import { overviewRoutes } from './http/routes/overview.js';

export interface Service {
  app: FastifyInstance;
  storage: Storage;
  box: SecretBox;
  users: UsersService;
  consoleAuth: ConsoleAuthService;
  alerts: AlertsService;
  destinations: DestinationsService;
  delivery: DeliveryService;
  inbox: JiraInboxService;
  worker: DeliveryWorker;
  limiter: DbSiteRateLimiter;
  lists: JiraListsService;
  warnings: string[];
  close(): Promise<void>;
}

export async function createService(config: Config, logger: Logger, clock: Clock = systemClock): Promise<Service> {
  const { box, keyFile, created } = loadSecretBox({ secretKey: config.secretKey, dataDir: config.dataDir, usingPostgres: config.databaseUrl !== null });
  if (created) logger.info({ keyFile }, 'created a new secret key file (mode 0600); back it up with the database');
  const storage = openStorage(config);
  try {
    const applied = await migrateToLatest(storage);
    if (applied.length) logger.info({ migrations: applied, database: storage.location }, 'database migrated');
    await checkKeyFingerprint(storage.db, box);

    const users = new UsersService(storage.db, clock);
    const consoleAuth = new ConsoleAuthService(storage.db, clock, box.deriveKey('console csrf tokens'), {
      session: { idleMs: config.sessionIdleMs, maxMs: config.sessionMaxMs },
      login: { maxFailures: config.loginMaxFailures, windowMs: config.loginWindowMs },
      inviteTtlMs: config.inviteTtlMs,
    });
    const { generatedToken, adminId, warning: bootstrapWarning } = await users.bootstrapAdmin(config.adminToken);
    if (bootstrapWarning) logger.warn(bootstrapWarning);
    if (generatedToken) {
      mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
      const file = join(config.dataDir, 'admin-token');
      writeFileSync(file, generatedToken + '\n', { mode: 0o600 });
      chmodSync(file, 0o600);
      logger.warn({ file }, `no ALERTSYNC_ADMIN_TOKEN was set: an admin API token was generated and written to ${file} (mode 0600)`);
      // The same first start gives the admin a console password, in a 0600 file next to the token.
      const password = await consoleAuth.generateBootstrapPassword(adminId!);
      const passwordFile = join(config.dataDir, 'admin-password');
      writeFileSync(passwordFile, password + '\n', { mode: 0o600 });
      chmodSync(passwordFile, 0o600);
      logger.warn({ file: passwordFile }, `the console password of admin@alertsync.local was generated and written to ${passwordFile} (mode 0600)`);
    }
    const alerts = new AlertsService(storage.db, clock, { maxContextBytes: config.maxContextBytes });

    const warnings: string[] = [];
    if (config.allowInsecureJira) {
      warnings.push('ALERTSYNC_ALLOW_INSECURE_JIRA=1: Jira destinations may use http and private or loopback hosts; use this only for tests and the local emulator');
      logger.warn(warnings[warnings.length - 1]!);
    }
    const destinations = new DestinationsService({ db: storage.db, box, clock, config, resolve: systemResolve() });
    const metrics = createMetrics();
    const limiter = new DbSiteRateLimiter(storage.db, storage.dialect, config.siteRateLimit);
    const jiraMetrics = installDeliveryMetrics(metrics, storage.db);
    const siteMeter = new SiteRequestMeter(clock);
    const access = createJiraAccess(destinations, storage.db, {
      timeoutMs: config.jiraTimeoutMs,
      allowInsecure: config.allowInsecureJira,
      // The host allowlist applies at every request, not only when a destination is saved.
      refuseHost: (siteHost) => hostRefusal(siteHost, config),
      onRequest: (info, siteHost) => {
        jiraMetrics.onJiraRequest(info);
        siteMeter.record(siteHost);
        // Every answer teaches the site's limiter its pace (429s, X-RateLimit-* headers).
        limiter.observe(siteHost, { status: info.status, ...info.rateLimit }).catch((err: unknown) => logger.warn({ err, siteHost }, 'could not record the Jira site rate'));
      },
    });
    // Lists for the destination form, and the statusMapping check of a save (docs/sync.md).
    const lists = new JiraListsService({
      destinations,
      clock,
      policy: { jiraHosts: config.jiraHosts, allowInsecureJira: config.allowInsecureJira, resolve: systemResolve() },
      refuseHost: (siteHost) => hostRefusal(siteHost, config),
      // A form waits for these: at most 10 s, whatever the delivery timeout.
      settings: { cacheMs: config.jiraListCacheMs, timeoutMs: Math.min(config.jiraTimeoutMs, 10_000), allowInsecure: config.allowInsecureJira },
      // Counted in the Jira metrics only: they neither take a token from the site's limiter (a form's
      // few, cached calls must not wait behind a storm) nor teach it (a lookup before saving may name
      // a site no destination uses, which must not become a row of GET /api/jira-sites).
      onRequest: (info) => jiraMetrics.onJiraRequest(info),
    });
    if (config.jiraSaveCheck) destinations.checkOnSave((d) => lists.statusMappingWarnings(d.id));
    const worker = new DeliveryWorker({
      db: storage.db,
      dialect: storage.dialect,
      clock,
      logger: logger.child({ component: 'worker' }),
      limiter,
      settings: {
        leaseMs: config.jobLeaseMs,
        jiraTimeoutMs: config.jiraTimeoutMs,
        createRecheckMs: config.createRecheckMs,
        retryBaseMs: config.retryBaseMs,
        retryMaxMs: config.retryMaxMs,
        sweepDelayMs: config.sweepDelayMs,
        pollMs: config.workerPollMs,
        concurrency: config.workerConcurrency,
        bulkCreate: config.jiraBulkCreate,
        publicUrl: config.publicUrl,
      },
      jiraFor: access.jiraFor,
      recordDestinationError: async (id, message) => {
        await setDestinationError(storage.db, id, message);
        access.noteError(id, message);
      },
      lockJob: createJobLock(storage.db, storage.dialect),
      onJobFinished: jiraMetrics.onJobFinished,
      listen: config.databaseUrl ? (onWork) => listenForWork(config.databaseUrl!, logger.child({ component: 'worker' }), onWork) : undefined,
    });
    const delivery = new DeliveryService(storage.db, clock, destinations, () => worker.wake(), storage.dialect === 'postgres');
    alerts.onEvent(delivery.onAlertEvent);
    alerts.onCommitted(delivery.onAlertsCommitted);
    destinations.onChange(delivery.onDestinationChanged);
    const inbox = new JiraInboxService({ db: storage.db, clock });
    const sites = new JiraSitesService(storage.db, clock, limiter);
    const app = await buildApp({
      logger,
      storage,
      metrics,
      users,
      alerts,
      audit: new AuditService(storage.db),
      consoleAuth,
      publicUrl: config.publicUrl,
      consoleDir: config.consoleDir,
      limits: { maxBodyBytes: config.maxBodyBytes, maxBatchBodyBytes: config.maxBatchBodyBytes, maxJsonDepth: config.maxJsonDepth },
      timeouts: { requestMs: config.requestTimeoutMs, headersMs: config.headersTimeoutMs, connectionMs: config.connectionTimeoutMs, keepAliveMs: config.keepAliveTimeoutMs },
      cursorKey: box.deriveKey('list cursors'),
      metricsToken: config.metricsToken,
      warnings: () => warnings,
      plugins: [
        destinationRoutes({ destinations }),
        jiraWebhookRoutes({ inbox, secretsFor: (id) => destinations.webhookSecretsFor(id), maxBodyBytes: config.webhookMaxBodyBytes, maxJsonDepth: config.maxJsonDepth }),
        deliveryRoutes({ delivery, sites, lists }),
        overviewRoutes({ overview: new OverviewService(storage.db, clock, { list: () => sites.list(), defaultRate: limiter.defaultRate }, () => siteMeter.rates()) }),
        jiraListRoutes({ lists, destinations }),
        jiraAccountMappingRoutes({ mappings: new JiraAccountMappingsService(storage.db, clock) }),
        ...(process.env.ALERTSYNC_BENCH_BARE_ROUTE === '1' ? [benchRoutes()] : []),
      ],
    });
    return {
      app,
      storage,
      box,
      users,
      consoleAuth,
      alerts,
      destinations,
      delivery,
      inbox,
      worker,
      limiter,
      lists,
      warnings,
      async close() {
        await app.close();
        await worker.stop(Math.min(config.jiraTimeoutMs, 10_000));
        await access.close();
        await storage.close();
      },
    };
  } catch (err) {
    await storage.close().catch(() => {});
    throw err;
  }
}
