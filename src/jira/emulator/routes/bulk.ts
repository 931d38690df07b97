// Bulk create, as Jira Cloud has it: POST /rest/api/{2,3}/issue/bulk with
// {"issueUpdates":[{"fields":{…},"update":{…}}, …]} (at most 50). Each element is validated and
// stored exactly as a single create (routes/issues.ts createOne: fields, ADF, permissions); an
// element that fails is reported in `errors` with its index (failedElementNumber) and Jira's
// ErrorCollection, and does not stop the others. 201 when at least one issue was created, 400 when
// none was (same body; a call refused as a whole — no list, an empty one, more than 50 — answers
// 400 in that shape with one error without failedElementNumber). Faults (rate limit, 5xx, resets, lost answers) strike the whole call, as
// for any request; the create hook holds the call's answer once, after every element was stored.
import { json, type Reply, type RequestContext } from '../http/reply.js';
import type { Router } from '../http/router.js';
import type { Emulator } from '../server.js';
import { both } from './common.js';
import { afterCreateHook, createOne } from './issues.js';

export const BULK_CREATE_MAX = 50;

interface ElementError {
  status: number;
  elementErrors: { errorMessages: string[]; errors: Record<string, string> };
  failedElementNumber: number;
}

function elementErrors(reply: Reply): ElementError['elementErrors'] {
  const b = reply.body as { errorMessages?: unknown; errors?: unknown } | undefined;
  return {
    errorMessages: Array.isArray(b?.errorMessages) ? (b.errorMessages as string[]) : [],
    errors: typeof b?.errors === 'object' && b.errors !== null ? (b.errors as Record<string, string>) : {},
  };
}

/** A call refused as a whole: the documented 400 shape (CreatedIssues), one error without an element number. */
function refused(message: string): Reply {
  return json(400, { issues: [], errors: [{ status: 400, elementErrors: { errorMessages: [message], errors: {} } }] });
}

function createIssues(emu: Emulator) {
  return async (ctx: RequestContext): Promise<Reply> => {
    const body = ctx.body as { issueUpdates?: unknown } | undefined;
    const updates = typeof body === 'object' && body !== null ? body.issueUpdates : undefined;
    if (!Array.isArray(updates) || updates.length === 0) return refused('Issue updates must not be empty.');
    if (updates.length > BULK_CREATE_MAX) return refused(`The number of issues to create in one request must not exceed ${BULK_CREATE_MAX}.`);
    const issues: { id: string; key: string; self: string }[] = [];
    const errors: ElementError[] = [];
    updates.forEach((u, i) => {
      const r = createOne(emu, ctx, u);
      if ('created' in r) issues.push(r.created);
      else errors.push({ status: r.error.status, elementErrors: elementErrors(r.error), failedElementNumber: i });
    });
    if (issues.length === 0) return json(400, { issues, errors });
    return afterCreateHook(emu, ctx, json(201, { issues, errors }), issues[0]);
  };
}

export function registerBulkRoutes(router: Router, emu: Emulator): void {
  both(router, 'POST', '/issue/bulk', createIssues(emu));
}
