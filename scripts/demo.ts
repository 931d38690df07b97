// `npm run demo`: alertsync and the local Jira Cloud emulator side by side, a destination for the
// emulator's SEC project, and a trickle of sample alerts: issues appear without any Jira site.
// Environment: PORT (alertsync, default 8080), JIRA_EMULATOR_PORT (default 8090), DEMO_INTERVAL_MS
// (default 3000), DEMO_ALERTS (how many, default unlimited), ALERTSYNC_DATA_DIR (default ./data-demo).
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logging.js';
import { createService } from '../src/service.js';
import { startEmulator } from '../src/jira/emulator/index.js';

const SAMPLES = [
  { title: 'Console login without MFA', severity: 'HIGH', type: 'RULE', ruleId: 'aws.console.login-no-mfa', logTypes: ['AWS.CloudTrail'], runbook: 'https://runbooks.example.com/aws/mfa', context: { user: 'alice', sourceIPAddress: '203.0.113.7', region: 'eu-west-1' } },
  { title: 'Brute force against SSH', severity: 'MEDIUM', type: 'RULE', ruleId: 'linux.sshd.bruteforce', logTypes: ['Syslog.RFC5424'], context: { host: 'bastion-1', failures: 214, window: '5m' } },
  { title: 'S3 bucket made public', severity: 'CRITICAL', type: 'POLICY', ruleId: 'aws.s3.public-bucket', logTypes: ['AWS.CloudTrail'], context: { bucket: 'finance-exports', acl: 'public-read' } },
  { title: 'Okta admin role granted', severity: 'HIGH', type: 'RULE', ruleId: 'okta.admin.granted', logTypes: ['Okta.SystemLog'], context: { actor: 'bob@example.com', target: 'eve@example.com', role: 'SUPER_ADMIN' } },
  { title: 'Log source silent for 1 hour', severity: 'LOW', type: 'SYSTEM_ERROR', context: { source: 'GCP.AuditLog', lastEvent: '59m ago' } },
] as const;

const port = process.env.PORT ?? '8080';
const emuPort = Number(process.env.JIRA_EMULATOR_PORT ?? '8090');
const interval = Number(process.env.DEMO_INTERVAL_MS ?? '3000');
const limit = process.env.DEMO_ALERTS ? Number(process.env.DEMO_ALERTS) : Infinity;

const emu = await startEmulator({ port: emuPort });
const adminToken = process.env.ALERTSYNC_ADMIN_TOKEN ?? `demo-${randomBytes(18).toString('base64url')}`;
const config = loadConfig({
  ...process.env,
  PORT: port,
  ALERTSYNC_DATA_DIR: process.env.ALERTSYNC_DATA_DIR ?? './data-demo',
  ALERTSYNC_ADMIN_TOKEN: adminToken,
  ALERTSYNC_ALLOW_INSECURE_JIRA: '1',
  ALERTSYNC_WORKER_POLL_MS: process.env.ALERTSYNC_WORKER_POLL_MS ?? '200',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
});
const service = await createService(config, createLogger({ level: config.logLevel }));
await service.app.listen({ port: config.port, host: config.host });
service.worker.start();
service.reconciler.start();
const addr = service.app.server.address();
const base = `http://${config.host}:${typeof addr === 'object' && addr ? addr.port : config.port}`;
const api = async (method: string, path: string, body?: unknown) => {
  const r = await fetch(base + path, { method, headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as any };
};

const existing = await api('GET', '/api/destinations');
let destination = existing.body.destinations?.find((d: { name: string; domain: string }) => d.name === 'Demo: local Jira emulator' && d.domain === emu.url);
if (!destination) {
  const created = await api('POST', '/api/destinations', {
    name: 'Demo: local Jira emulator',
    domain: emu.url,
    issueType: 'Task',
    projectKey: 'SEC',
    email: 'alertsync-bot@example.com',
    apiToken: 'ATATT-emulator-alertsync-bot',
    manualDispatch: true,
    issueProperties: { bySeverity: true, perSeverity: { CRITICAL: { labels: ['security', 'p1'], priority: 'Highest' }, HIGH: { labels: ['security'], priority: 'High' } } },
  });
  if (created.status !== 201) throw new Error(`could not create the demo destination: ${JSON.stringify(created.body)}`);
  destination = created.body.destination;
}

console.log(`alertsync demo
  alertsync      ${base}   (admin token: ${process.env.ALERTSYNC_ADMIN_TOKEN ? 'from ALERTSYNC_ADMIN_TOKEN' : adminToken})
  Jira emulator  ${emu.url}   (log in as alertsync-bot@example.com / ATATT-emulator-alertsync-bot)
  destination    ${destination.id} → project SEC
Try:  curl -s -H "Authorization: Bearer <admin token>" ${base}/api/alerts | head -c 400
      curl -s -u alertsync-bot@example.com:ATATT-emulator-alertsync-bot '${emu.url}/rest/api/3/search/jql?jql=project%3DSEC&fields=summary,labels'
Sending a sample alert every ${interval / 1000} s; Ctrl-C stops.`);

let sent = 0;
const seen = new Set<string>();
const timer = setInterval(async () => {
  try {
    if (sent < limit) {
      const sample = SAMPLES[sent % SAMPLES.length]!;
      const r = await api('POST', '/api/alerts', { ...sample, logTypes: 'logTypes' in sample ? [...sample.logTypes] : [], context: { ...sample.context, demo: sent + 1 } });
      sent++;
      console.log(`→ alert ${r.body.id} (${sample.severity}) "${sample.title}"`);
    }
    const log = await api('GET', `/api/destinations/${destination.id}/deliveries?limit=50`);
    for (const j of [...log.body.jobs].reverse()) {
      if (j.state === 'done' && j.result?.issueKey && !seen.has(j.id)) {
        seen.add(j.id);
        console.log(`✓ ${j.result.issueKey} created in Jira for alert ${j.alertId}: ${emu.url}/rest/api/3/issue/${j.result.issueKey}`);
      } else if (j.state === 'failed' && !seen.has(j.id)) {
        seen.add(j.id);
        console.log(`✗ delivery of alert ${j.alertId} failed: ${j.lastError}`);
      }
    }
  } catch (err) {
    console.error(`demo: ${(err as Error).message}`);
  }
}, interval);

const stop = async () => {
  clearInterval(timer);
  await service.close();
  await emu.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
