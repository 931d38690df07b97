// Every REST route of the emulated site.
import type { Router } from '../http/router.js';
import type { Emulator } from '../server.js';
import { registerBulkRoutes } from './bulk.js';
import { registerCommentRoutes } from './comments.js';
import { registerIssueRoutes } from './issues.js';
import { registerMetaRoutes } from './meta.js';
import { registerPropertyRoutes } from './properties.js';
import { registerSearchRoutes } from './search.js';
import { registerTransitionRoutes } from './transitions.js';
import { registerUserRoutes } from './users.js';
import { registerWebhookAdminRoutes } from './webhooks-admin.js';

export function registerRestRoutes(router: Router, emu: Emulator): void {
  registerMetaRoutes(router, emu);
  registerUserRoutes(router, emu);
  registerIssueRoutes(router, emu);
  registerBulkRoutes(router, emu);
  registerTransitionRoutes(router, emu);
  registerCommentRoutes(router, emu);
  registerPropertyRoutes(router, emu);
  registerSearchRoutes(router, emu);
  registerWebhookAdminRoutes(router, emu);
}
