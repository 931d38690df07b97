// Jira lists for the destination form (docs/sync.md "Jira lists for the setup"). Two ways in, the
// same lists and answers:
//   GET  /api/destinations/{id}/jira/<list>   with the saved destination's credentials;
//   POST /api/jira/lookup/<list>              before saving: {domain, email, apiToken, …} in the body
//                                             (a POST, so the token never sits in a URL or a log line).
// Whoever may edit destinations may read them. Jira's refusal answers 502 `jira_refused` with
// Jira's status and messages in `details`; no answer is 502 `jira_unreachable`.
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { CredentialSource, JiraListsService } from '../../delivery/jira-lists-service.js';
import type { DestinationsService } from '../../destinations/destinations-service.js';
import { IdParams, Nullable, jiraErrorResponses } from '../schemas/common.js';

const ProjectKey = Type.String({ pattern: '^[A-Z][A-Z0-9_]{1,9}$', description: 'Jira project key, e.g. SEC' });
const Query = Type.String({ maxLength: 200 });

const Project = Type.Object({ id: Type.String(), key: Type.String(), name: Type.String() });
const IssueType = Type.Object({ id: Type.String(), name: Type.String(), subtask: Type.Boolean() });
const Priority = Type.Object({ id: Type.String(), name: Type.String(), isDefault: Type.Boolean() });
const Status = Type.Object({ id: Type.String(), name: Type.String(), category: Type.String({ description: 'new, indeterminate or done' }) });
const User = Type.Object({ accountId: Type.String(), displayName: Type.String(), active: Type.Boolean(), emailAddress: Nullable(Type.String({ description: 'null when the person hides it in Jira' })) });
const Resolution = Type.Object({ id: Type.String(), name: Type.String(), description: Type.String(), isDefault: Type.Boolean() });

const Answers = {
  projects: Type.Object({ projects: Type.Array(Project) }),
  issueTypes: Type.Object({ issueTypes: Type.Array(IssueType) }),
  priorities: Type.Object({ priorities: Type.Array(Priority) }),
  labels: Type.Object({ labels: Type.Array(Type.String()), truncated: Type.Boolean({ description: 'more labels match than the 100 answered: narrow the query' }) }),
  statuses: Type.Object({
    statuses: Type.Array(Status, { description: 'every status of the project, once' }),
    issueTypes: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), statuses: Type.Array(Type.String()) })),
  }),
  users: Type.Object({ users: Type.Array(User) }),
  resolutions: Type.Object({ resolutions: Type.Array(Resolution) }),
};

const Credentials = {
  domain: Type.String({ minLength: 1, maxLength: 2048, description: 'Organization domain, e.g. https://example.atlassian.net' }),
  email: Type.String({ format: 'email', minLength: 3, maxLength: 320 }),
  apiToken: Type.String({ minLength: 1, maxLength: 4096, writeOnly: true, description: 'Jira API token: used for this lookup only, never stored, logged or returned' }),
};
const body = <P extends Record<string, TSchema>>(extra: P) => Type.Object({ ...Credentials, ...extra }, { additionalProperties: false });
const LookupBodies = {
  plain: body({}),
  project: body({ projectKey: ProjectKey }),
  labels: body({ query: Type.Optional(Query) }),
  users: body({ projectKey: ProjectKey, query: Type.Optional(Query) }),
};

export function jiraListRoutes(deps: { lists: JiraListsService; destinations: DestinationsService }) {
  return (fastify: FastifyInstance): void => {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    const { lists } = deps;
    const tags = ['jira lists'];
    const config = { permission: 'destinations:write' as const };

    // --- with a saved destination's credentials ---
    const saved = (id: string): CredentialSource => ({ destinationId: id });
    const ProjectParams = Type.Object({ id: IdParams.properties.id, key: ProjectKey });

    app.get('/api/destinations/:id/jira/projects', {
      config,
      schema: { tags, summary: "Jira projects the destination's account can see (cached briefly)", params: IdParams, response: { 200: Answers.projects, ...jiraErrorResponses } },
      handler: async (request) => ({ projects: await lists.projects(saved(request.params.id)) }),
    });
    app.get('/api/destinations/:id/jira/projects/:key/issue-types', {
      config,
      schema: { tags, summary: 'Issue types one can create in a Jira project', params: ProjectParams, response: { 200: Answers.issueTypes, ...jiraErrorResponses } },
      handler: async (request) => ({ issueTypes: await lists.issueTypes(saved(request.params.id), request.params.key) }),
    });
    app.get('/api/destinations/:id/jira/projects/:key/statuses', {
      config,
      schema: { tags, summary: "Statuses of a Jira project's workflows (the names statusMapping may use)", params: ProjectParams, response: { 200: Answers.statuses, ...jiraErrorResponses } },
      handler: async (request) => lists.statuses(saved(request.params.id), request.params.key),
    });
    app.get('/api/destinations/:id/jira/priorities', {
      config,
      schema: { tags, summary: "The Jira site's priorities", params: IdParams, response: { 200: Answers.priorities, ...jiraErrorResponses } },
      handler: async (request) => ({ priorities: await lists.priorities(saved(request.params.id)) }),
    });
    app.get('/api/destinations/:id/jira/labels', {
      config,
      schema: {
        tags,
        summary: 'Labels of the Jira site containing `query` (case-insensitive), at most 100',
        params: IdParams,
        querystring: Type.Object({ query: Type.Optional(Query) }, { additionalProperties: false }),
        response: { 200: Answers.labels, ...jiraErrorResponses },
      },
      handler: async (request) => lists.labels(saved(request.params.id), request.query.query ?? ''),
    });
    app.get('/api/destinations/:id/jira/users', {
      config,
      schema: {
        tags,
        summary: "People who can be assigned issues in the project (default: the destination's), matching `query`",
        params: IdParams,
        querystring: Type.Object({ query: Type.Optional(Query), projectKey: Type.Optional(ProjectKey) }, { additionalProperties: false }),
        response: { 200: Answers.users, ...jiraErrorResponses },
      },
      handler: async (request) => {
        const projectKey = request.query.projectKey ?? (await deps.destinations.get(request.params.id)).projectKey;
        return { users: await lists.users(saved(request.params.id), projectKey, request.query.query ?? '') };
      },
    });
    app.get('/api/destinations/:id/jira/resolutions', {
      config,
      schema: { tags, summary: "The Jira site's resolutions", params: IdParams, response: { 200: Answers.resolutions, ...jiraErrorResponses } },
      handler: async (request) => ({ resolutions: await lists.resolutions(saved(request.params.id)) }),
    });

    // --- before saving: credentials in the body ---
    const given = (b: Static<typeof LookupBodies.plain>): CredentialSource => ({ domain: b.domain, email: b.email, apiToken: b.apiToken });
    const lookup = <B extends TSchema, R extends TSchema>(list: string, summary: string, bodySchema: B, answer: R, handler: (b: Static<B>) => Promise<Static<R>>) =>
      app.post(`/api/jira/lookup/${list}`, {
        config,
        schema: { tags, summary: `${summary}, with credentials given in the body (before the destination is saved)`, body: bodySchema, response: { 200: answer, ...jiraErrorResponses } },
        handler: async (request, reply) => reply.header('cache-control', 'no-store').send(await handler(request.body as Static<B>)),
      });

    lookup('projects', 'Jira projects the account can see', LookupBodies.plain, Answers.projects, async (b) => ({ projects: await lists.projects(given(b)) }));
    lookup('issue-types', 'Issue types of a Jira project', LookupBodies.project, Answers.issueTypes, async (b) => ({ issueTypes: await lists.issueTypes(given(b), b.projectKey) }));
    lookup('statuses', 'Statuses of a Jira project', LookupBodies.project, Answers.statuses, async (b) => lists.statuses(given(b), b.projectKey));
    lookup('priorities', "The Jira site's priorities", LookupBodies.plain, Answers.priorities, async (b) => ({ priorities: await lists.priorities(given(b)) }));
    lookup('labels', 'Labels of the Jira site containing `query`', LookupBodies.labels, Answers.labels, async (b) => lists.labels(given(b), b.query ?? ''));
    lookup('users', 'Assignable people of a Jira project matching `query`', LookupBodies.users, Answers.users, async (b) => ({ users: await lists.users(given(b), b.projectKey, b.query ?? '') }));
    lookup('resolutions', "The Jira site's resolutions", LookupBodies.plain, Answers.resolutions, async (b) => ({ resolutions: await lists.resolutions(given(b)) }));
  };
}
