// sweep_duplicates: after a create whose outcome was once unknown, close every issue carrying the
// alert's labels except the linked one (comment naming it, transition to a done status).
import type { JobHandler } from './context.js';
import { findByLabels } from './create-issue.js';

export const sweepDuplicatesHandler: JobHandler<'sweep_duplicates'> = {
  async run(ctx) {
    const { job, access } = ctx;
    const link = await ctx.findLink();
    if (!link) return ctx.finish('cancelled', { lastError: 'no linked issue to keep' });
    const found = await findByLabels(ctx);
    const closed: string[] = [];
    for (const issue of found) {
      if (issue.id === link.issueId || issue.status?.category === 'done') continue;
      const r = await access.client.closeAsDuplicate(issue.id, link.issueKey, { beforeCall: () => ctx.acquire() });
      closed.push(issue.key);
      await ctx.attempt('closeDuplicate', 'ok', 204, issue.key, r.closed ? null : 'no transition to a done status; commented only', 0);
    }
    await ctx.complete({ kept: link.issueKey, closed });
  },
};
