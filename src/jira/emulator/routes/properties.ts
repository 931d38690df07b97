// Issue entity properties: list keys, get, set (201 created / 200 updated), delete.
import { jiraError, json, noContent, type RequestContext } from '../http/reply.js';
import type { Router } from '../http/router.js';
import type { Emulator } from '../server.js';
import type { User } from '../state/model.js';
import { both, can, findIssue, forbidden, isReply } from './common.js';

export function registerPropertyRoutes(router: Router, emu: Emulator): void {
  const self = (ctx: RequestContext, id: string, key: string) => `${ctx.render.base}/rest/api/${ctx.version}/issue/${id}/properties/${encodeURIComponent(key)}`;
  both(router, 'GET', '/issue/:issueIdOrKey/properties', (ctx) => {
    const issue = findIssue(ctx);
    if (isReply(issue)) return issue;
    return json(200, { keys: [...issue.properties.keys()].map((key) => ({ self: self(ctx, issue.id, key), key })) });
  });
  both(router, 'GET', '/issue/:issueIdOrKey/properties/:propertyKey', (ctx) => {
    const issue = findIssue(ctx);
    if (isReply(issue)) return issue;
    const key = ctx.params.propertyKey as string;
    if (!issue.properties.has(key)) return jiraError(404, [`The property with key '${key}' does not exist.`]);
    return json(200, { key, value: issue.properties.get(key) });
  });
  both(router, 'PUT', '/issue/:issueIdOrKey/properties/:propertyKey', (ctx) => {
    const issue = findIssue(ctx);
    if (isReply(issue)) return issue;
    if (!can(ctx.user as User, 'EDIT_ISSUES')) return forbidden('You do not have permission to edit issues in this project.');
    const key = ctx.params.propertyKey as string;
    if (key.length > 255) return jiraError(400, ['The property key cannot be longer than 255 characters.']);
    if (ctx.rawBody.trim() === '') return jiraError(400, ['The property value must be valid JSON.']);
    if (ctx.rawBody.length > 32_768) return jiraError(400, ['The property value cannot be longer than 32768 characters.']);
    const existed = issue.properties.has(key);
    issue.properties.set(key, ctx.body);
    void emu;
    return { status: existed ? 200 : 201 };
  });
  both(router, 'DELETE', '/issue/:issueIdOrKey/properties/:propertyKey', (ctx) => {
    const issue = findIssue(ctx);
    if (isReply(issue)) return issue;
    if (!can(ctx.user as User, 'EDIT_ISSUES')) return forbidden('You do not have permission to edit issues in this project.');
    const key = ctx.params.propertyKey as string;
    if (!issue.properties.delete(key)) return jiraError(404, [`The property with key '${key}' does not exist.`]);
    return noContent();
  });
}
