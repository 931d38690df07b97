// `npm run emulator`: the Jira Cloud emulator on its own. Environment:
//   JIRA_EMULATOR_PORT         port (default 8090; 0 = a free port)
//   JIRA_EMULATOR_HOST         bind address (default 127.0.0.1)
//   JIRA_EMULATOR_ADMIN_TOKEN  admin token for /_emulator/ (default: generated and printed)
//   JIRA_EMULATOR_FAULTS       JSON fault settings, e.g. {"rateLimit":{"perSecond":10},"searchLagMs":500}
//   JIRA_EMULATOR_SITE_URL     base URL for `self` links (default http://host:port)
// The first line on stdout is machine-readable: `jira-emulator listening on <url> admin-token <token>`.
import { startEmulator } from './index.js';
import { prepareAdfValidator } from './adf/validate.js';
import type { FaultSettings } from './faults/faults.js';

const port = Number(process.env.JIRA_EMULATOR_PORT ?? '8090');
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`JIRA_EMULATOR_PORT must be a port number, got ${process.env.JIRA_EMULATOR_PORT ?? ''}`);
  process.exit(2);
}
let faults: FaultSettings = {};
if (process.env.JIRA_EMULATOR_FAULTS) {
  try {
    faults = JSON.parse(process.env.JIRA_EMULATOR_FAULTS) as FaultSettings;
  } catch (err) {
    console.error(`JIRA_EMULATOR_FAULTS is not JSON: ${(err as Error).message}`);
    process.exit(2);
  }
}
// Ready means warm: the ADF schema is compiled before the first request, not during it.
prepareAdfValidator();
const emu = await startEmulator({
  port,
  host: process.env.JIRA_EMULATOR_HOST ?? '127.0.0.1',
  faults,
  ...(process.env.JIRA_EMULATOR_ADMIN_TOKEN ? { adminToken: process.env.JIRA_EMULATOR_ADMIN_TOKEN } : {}),
  ...(process.env.JIRA_EMULATOR_SITE_URL ? { siteUrl: process.env.JIRA_EMULATOR_SITE_URL } : {}),
});
console.log(`jira-emulator listening on ${emu.url} admin-token ${emu.adminToken}`);
console.log('seeded accounts (email / API token):');
for (const u of emu.emulator.store.users.values()) console.log(`  ${u.email} / ${u.apiToken}  (${u.displayName}: ${u.role})`);
const stop = (): void => {
  void emu.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
