// The Jira Cloud REST v3 client: a factory returning plain async functions over undici's request
// on the client's own Agent.
//
// Every call goes through `call()`, which owns the safety rules and the one error mapping:
// - Basic auth `email:apiToken`, never logged, never in an error (messages are scrubbed as well);
// - a timeout per call (AbortSignal.timeout) covering the request and the whole answer;
// - redirects are never followed (undici's request does not): a 3xx is an error, so credentials never follow one;
// - unless `allowInsecure`: https only and public addresses only, checked at connect time;
// - the service's host allowlist (`refuseHost`), asked before every request;
// - success is validated: JSON content type where a body is expected and the attributes callers
//   rely on (normalize.ts), so a proxy's HTML login page answered with 200 is not a success.
import { Agent, request, type Dispatcher } from 'undici';
import { RefusedAddressError, checkBaseUrl, publicOnlyLookup } from './address.js';
import { JiraError, answeredMessage, isJsonContentType, jiraMessagesFrom, kindForStatus, parseRetryAfter } from './errors.js';
import * as N from './normalize.js';
import { boundForeignMessages, boundForeignText, credentialScrubber } from './scrub.js';
import { issueFields, jqlString, plainTextDoc } from './issue-format.js';
import { BULK_CREATE_LIMIT } from './types.js';
import type {
  BulkCreateResult,
  NewIssue,
  CreatedIssue,
  JiraTransition,
  AdfDocument,
  EntityProperty,
  JiraComment,
  CreateIssueFields,
  JiraClient,
  JiraClientOptions,
  JiraErrorKind,
  JiraIssue,
  JiraIssueType,
  JiraProject,
  JiraRequestInfo,
  JiraResolution,
  SearchAllOptions,
  SearchJqlPage,
  SearchJqlParams,
} from './types.js';

const DEFAULT_USER_AGENT = 'alertsync-jira-client/0.1';
const SEARCH_PAGE_SIZE = 100;
const SEARCH_MAX_ISSUES = 1000;
const ISSUE_TYPE_PAGE_SIZE = 50;
const ISSUE_TYPE_MAX_PAGES = 20;
const PROJECT_PAGE_SIZE = 50;
const MAX_PROJECTS = 1000;
const LABEL_PAGE_SIZE = 1000;
const MAX_LABELS = 5000;
const RESOLUTION_PAGE_SIZE = 50;
const MAX_RESOLUTIONS = 1000;

type Query = Record<string, string | number | undefined>;

interface CallSpec<T> {
  operation: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Query;
  /** JSON request body; `undefined` sends none. */
  body?: unknown;
  /** Parses the JSON answer; absent = no body expected (204 and friends), anything is ignored. */
  parse?: (json: unknown) => T;
  /** Statuses >= 400 whose JSON body is an answer to parse (bulk create's 400 "none made"), not an error. */
  answerStatuses?: number[];
}

const seg = (s: string): string => encodeURIComponent(s);

export function createJiraClient(opts: JiraClientOptions): JiraClient {
  // A configuration problem does not throw here: every call rejects with it (kind `invalid`,
  // permanent), so the worker handles it like any other Jira error and shows it on the destination.
  const site =
    Number.isFinite(opts.timeoutMs) && opts.timeoutMs > 0
      ? checkBaseUrl(opts.baseUrl, opts.allowInsecure)
      : `the Jira timeout must be a positive number of milliseconds (got ${String(opts.timeoutMs)})`;
  const token = Buffer.from(`${opts.email}:${opts.apiToken}`, 'utf8').toString('base64');
  const authorization = `Basic ${token}`;
  // Jira or a proxy could echo the credentials, or pieces of them, in any form: scrub.ts.
  const scrub = credentialScrubber(opts.email, opts.apiToken);
  const userAgent = opts.userAgent ?? DEFAULT_USER_AGENT;
  const agent = new Agent({
    connect: opts.allowInsecure ? {} : { lookup: publicOnlyLookup },
    keepAliveTimeout: 30_000,
  });
  let closed = false;

  function report(operation: string, method: string, path: string, status: number | null, started: number, errorKind?: JiraErrorKind, header?: (name: string) => string | null): void {
    if (!opts.onRequest) return;
    const info: JiraRequestInfo = { method, path, operation, status, durationMs: Math.round(performance.now() - started) };
    // The site's rate-limit headers, for the rate limiter that learns the site's pace.
    if (header) info.rateLimit = { nearLimit: header('x-ratelimit-nearlimit'), remaining: header('x-ratelimit-remaining'), limit: header('x-ratelimit-limit'), retryAfter: header('retry-after') };
    try {
      opts.onRequest(errorKind === undefined ? info : { ...info, errorKind });
    } catch {
      // a broken observer must not change the outcome of the call
    }
  }

  function fail(operation: string, kind: JiraErrorKind, status: number | null, message: string, jiraMessages: string[] = [], retryAfterMs: number | null = null): JiraError {
    return new JiraError({ kind, status, operation, message: boundForeignText(scrub(message)), jiraMessages: boundForeignMessages(jiraMessages.map(scrub)), retryAfterMs });
  }

  /** A transport error hides the reason in `cause`; name it without quoting anything sensitive. */
  function transportError(operation: string, err: unknown): JiraError {
    if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
      return fail(operation, 'timeout', null, `Jira did not answer within ${opts.timeoutMs} ms`);
    }
    let cause: unknown = err;
    const codes: string[] = [];
    for (let depth = 0; depth < 5 && cause instanceof Error; depth++) {
      if (cause instanceof RefusedAddressError) {
        // A configuration problem, not a transient one: retrying cannot make the address public.
        return fail(operation, 'invalid', null, `${cause.message}; only public addresses are allowed for a Jira site`);
      }
      if (cause.name === 'TimeoutError' || cause.name === 'AbortError') {
        return fail(operation, 'timeout', null, `Jira did not answer within ${opts.timeoutMs} ms`);
      }
      const code = (cause as NodeJS.ErrnoException).code;
      if (typeof code === 'string') codes.push(code);
      cause = cause.cause;
    }
    const code = codes.find((c) => !c.startsWith('UND_ERR_')) ?? codes[0];
    const host = typeof site === 'string' ? 'Jira' : site.host;
    return fail(operation, 'network', null, `Could not reach Jira at ${host}${code ? ` (${code})` : ''}`);
  }

  async function call<T>(spec: CallSpec<T>): Promise<T> {
    const { operation, method, path } = spec;
    const started = performance.now();
    if (typeof site === 'string') {
      const e = fail(operation, 'invalid', null, site);
      report(operation, method, path, null, started, e.kind);
      throw e;
    }
    if (closed) {
      // A local cause, never a Jira failure: retryable, like a network error (nothing was sent).
      const e = fail(operation, 'network', null, 'the Jira client has been closed');
      report(operation, method, path, null, started, e.kind);
      throw e;
    }
    const refused = opts.refuseHost?.(new URL(site.base).host.toLowerCase()) ?? null;
    if (refused !== null) {
      const e = fail(operation, 'invalid', null, refused);
      report(operation, method, path, null, started, e.kind);
      throw e;
    }
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(spec.query ?? {})) if (v !== undefined) qs.set(k, String(v));
    const url = `${site.base}${path}${qs.size > 0 ? `?${qs.toString()}` : ''}`;
    const headers: Record<string, string> = { authorization, accept: 'application/json', 'user-agent': userAgent };
    let payload: string | undefined;
    if (spec.body !== undefined) {
      payload = JSON.stringify(spec.body);
      headers['content-type'] = 'application/json';
    }

    let status: number | null = null;
    let answerHeader: ((name: string) => string | null) | undefined;
    let answeredKind: JiraErrorKind | undefined;
    let result: T;
    try {
      result = await (async (): Promise<T> => {
        // undici's request on the client's own Agent: no WHATWG streams, redirects never followed.
        const signal = AbortSignal.timeout(opts.timeoutMs);
        let res: Dispatcher.ResponseData;
        let text: string;
        try {
          res = await request(url, { method: method as Dispatcher.HttpMethod, headers, body: payload, signal, dispatcher: agent });
          status = res.statusCode;
          text = await res.body.text();
        } catch (err) {
          throw transportError(operation, err);
        }
        const header = (name: string): string | null => {
          const v = res.headers[name];
          return v === undefined ? null : Array.isArray(v) ? (v[0] ?? null) : v;
        };
        answerHeader = header;
        const contentType = header('content-type');

        if (status >= 300 && status < 400) {
          const location = header('location');
          let target = 'another address';
          if (location !== null) {
            try {
              target = new URL(location, url).host;
            } catch {
              target = 'an unparsable address';
            }
          }
          // Permanent: a redirect means the base URL is wrong or something fronts Jira; fix the configuration.
          throw fail(operation, 'unexpected', status, `Jira answered ${status}: redirect to ${target} refused (credentials are never sent to a redirect target; check the base URL)`);
        }

        if (status < 200 || status >= 300) {
          if (spec.parse && spec.answerStatuses?.includes(status) && isJsonContentType(contentType)) {
            let answer: T | undefined;
            try {
              answer = spec.parse(JSON.parse(text));
            } catch {
              answer = undefined; // not the documented shape: handled as the error it is, below
            }
            if (answer !== undefined) {
              answeredKind = kindForStatus(status);
              return answer;
            }
          }
          const messages = jiraMessagesFrom(contentType, text);
          const retryAfterMs = parseRetryAfter(header('retry-after'));
          throw fail(operation, kindForStatus(status), status, answeredMessage(status, messages), messages, retryAfterMs);
        }

        if (!spec.parse) return undefined as T;
        // Success must look like Jira. `unexpected` is permanent on purpose: an HTML page or a body
        // without the attributes Jira always sends means a proxy, a login page or a wrong base URL
        // answered instead of Jira; repeating the call cannot fix that, an operator has to.
        if (!isJsonContentType(contentType)) {
          throw fail(operation, 'unexpected', status, `Jira answered ${status} with ${contentType ?? 'no content type'} instead of JSON (a proxy or login page in the way? check the base URL)`);
        }
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          throw fail(operation, 'unexpected', status, `Jira answered ${status} with a body that is not valid JSON`);
        }
        try {
          return spec.parse(json);
        } catch (err) {
          if (err instanceof N.ShapeError) throw fail(operation, 'unexpected', status, `Jira answered ${status} but ${err.message}`);
          throw err;
        }
      })();
    } catch (err) {
      report(operation, method, path, status, started, err instanceof JiraError ? err.kind : 'unexpected', answerHeader);
      throw err;
    }
    report(operation, method, path, status, started, answeredKind, answerHeader);
    return result;
  }

  const issuePath = (idOrKey: string): string => `/rest/api/3/issue/${seg(idOrKey)}`;

  async function searchJql(p: SearchJqlParams): Promise<SearchJqlPage> {
    const body: Record<string, unknown> = { jql: p.jql, fields: p.fields };
    if (p.maxResults !== undefined) body.maxResults = p.maxResults;
    if (p.nextPageToken !== undefined) body.nextPageToken = p.nextPageToken;
    return call({ operation: 'searchJql', method: 'POST', path: '/rest/api/3/search/jql', body, parse: N.searchPage });
  }

  async function searchAllIssues(jql: string, fields: string[], options: SearchAllOptions = {}): Promise<JiraIssue[]> {
    const pageSize = options.pageSize ?? SEARCH_PAGE_SIZE;
    const maxIssues = options.maxIssues ?? SEARCH_MAX_ISSUES;
    const out: JiraIssue[] = [];
    const seen = new Set<string>();
    let token: string | undefined;
    for (;;) {
      const page = await searchJql({ jql, fields, maxResults: pageSize, nextPageToken: token });
      out.push(...page.issues);
      if (out.length > maxIssues) {
        throw fail('searchAll', 'unexpected', 200, `the search matched more than ${maxIssues} issues; narrow the JQL`);
      }
      if (page.nextPageToken === undefined) return out;
      if (seen.has(page.nextPageToken) || page.issues.length === 0) {
        throw fail('searchAll', 'unexpected', 200, 'Jira returned a page token it had returned before (or an empty page with a token); stopped paging');
      }
      seen.add(page.nextPageToken);
      token = page.nextPageToken;
    }
  }

  const getTransitions = (idOrKey: string): Promise<JiraTransition[]> =>
    call({
      operation: 'getTransitions',
      method: 'GET',
      path: `${issuePath(idOrKey)}/transitions`,
      query: { expand: 'transitions.fields' },
      parse: N.transitions,
    });

  const createFromFields = (fields: CreateIssueFields): Promise<CreatedIssue> =>
    call({ operation: 'createIssue', method: 'POST', path: '/rest/api/3/issue', body: { fields }, parse: N.createdIssue });

  async function createIssues(issues: NewIssue[]): Promise<BulkCreateResult[]> {
    if (issues.length === 0) return [];
    if (issues.length > BULK_CREATE_LIMIT) throw fail('createIssues', 'invalid', null, `at most ${BULK_CREATE_LIMIT} issues can be created in one request (got ${issues.length})`);
    const answer = await call({
      operation: 'createIssues',
      method: 'POST',
      path: '/rest/api/3/issue/bulk',
      body: { issueUpdates: issues.map((i) => ({ fields: issueFields(i) })) },
      parse: (json) => N.bulkCreated(json, issues.length),
      answerStatuses: [400],
    });
    const out: (BulkCreateResult | undefined)[] = new Array(issues.length);
    for (const e of answer.errors) {
      const messages = jiraMessagesFrom('application/json', e.errorCollection);
      out[e.index] = { failed: fail('createIssues', kindForStatus(e.status), e.status, answeredMessage(e.status, messages), messages) };
    }
    // Jira lists the issues made in the order of their elements.
    let next = 0;
    for (let i = 0; i < out.length; i++) if (out[i] === undefined) out[i] = { created: answer.issues[next++]! };
    return out as BulkCreateResult[];
  }

  /** Every page of a PageBean list, `pageSize` at a time, refusing to collect more than `max`. */
  async function allPages<T>(operation: string, path: string, parse: (json: unknown) => N.Page<T>, pageSize: number, max: number, query: Query = {}): Promise<T[]> {
    const out: T[] = [];
    for (;;) {
      const page = await call({ operation, method: 'GET', path, query: { ...query, startAt: out.length, maxResults: pageSize }, parse });
      out.push(...page.values);
      if (out.length > max) throw fail(operation, 'unexpected', 200, `Jira listed more than ${max} items; narrow the search`);
      if (page.isLast || page.values.length === 0) return out;
    }
  }

  return {
    myself: () => call({ operation: 'myself', method: 'GET', path: '/rest/api/3/myself', parse: N.user }),

    createIssue: (issue: NewIssue) => createFromFields(issueFields(issue)),

    createIssues,

    createIssueFromFields: (fields: CreateIssueFields) => createFromFields(fields),

    async findByLabels(labels: string[], options: { maxIssues?: number } = {}): Promise<JiraIssue[]> {
      const jql = `${labels.map((l) => `labels = ${jqlString(l)}`).join(' AND ')} ORDER BY created ASC`;
      return searchAllIssues(jql, ['summary', 'status', 'created', 'labels'], { pageSize: 50, maxIssues: options.maxIssues ?? 200 });
    },

    async closeAsDuplicate(idOrKey: string, keptKey: string, options: { beforeCall?: () => Promise<void> } = {}): Promise<{ closed: boolean }> {
      const before = options.beforeCall ?? (async () => {});
      await before();
      const transitions = await getTransitions(idOrKey);
      const toDone = transitions.find((t) => t.to.category === 'done' && t.isAvailable && t.requiredFields.length === 0) ?? transitions.find((t) => t.to.category === 'done');
      await before();
      const note = `Duplicate of ${keptKey}: alertsync created this issue twice for one alert because Jira's search did not show the first one in time. ${toDone ? 'Closed' : 'Please close it'}; the alert is tracked in ${keptKey}.`;
      await call({ operation: 'addComment', method: 'POST', path: `${issuePath(idOrKey)}/comment`, body: { body: plainTextDoc(note) }, parse: N.comment });
      if (!toDone) return { closed: false };
      await before();
      await call<void>({ operation: 'transitionIssue', method: 'POST', path: `${issuePath(idOrKey)}/transitions`, body: { transition: { id: toDone.id } } });
      return { closed: true };
    },

    issueUrl: (key: string) => `${typeof site === 'string' ? opts.baseUrl.replace(/\/+$/, '') : site.base}/browse/${seg(key)}`,

    getIssue: (idOrKey: string, fields?: string[]) =>
      call({
        operation: 'getIssue',
        method: 'GET',
        path: issuePath(idOrKey),
        query: { fields: fields === undefined ? undefined : fields.join(',') },
        parse: N.fullIssue,
      }),

    searchJql,

    searchAll: (jql: string, fields: string[], options: SearchAllOptions = {}) => searchAllIssues(jql, fields, options),

    getTransitions: (idOrKey: string) => getTransitions(idOrKey),

    transitionIssue: (idOrKey: string, transitionId: string, fields?: Record<string, unknown>) =>
      call<void>({
        operation: 'transitionIssue',
        method: 'POST',
        path: `${issuePath(idOrKey)}/transitions`,
        body: fields === undefined ? { transition: { id: transitionId } } : { transition: { id: transitionId }, fields },
      }),

    assignIssue: (idOrKey: string, accountId: string | null) =>
      call<void>({ operation: 'assignIssue', method: 'PUT', path: `${issuePath(idOrKey)}/assignee`, body: { accountId } }),

    addComment: (idOrKey: string, body: AdfDocument, options: { properties?: EntityProperty[] } = {}) =>
      call({
        operation: 'addComment',
        method: 'POST',
        path: `${issuePath(idOrKey)}/comment`,
        body: options.properties && options.properties.length > 0 ? { body, properties: options.properties } : { body },
        parse: N.comment,
      }),

    async listComments(idOrKey: string, options: { maxComments?: number } = {}): Promise<JiraComment[]> {
      const max = options.maxComments ?? 5000;
      const out: JiraComment[] = [];
      while (out.length < max) {
        const page = await call({ operation: 'listComments', method: 'GET', path: `${issuePath(idOrKey)}/comment`, query: { startAt: out.length, maxResults: 100 }, parse: N.commentPage });
        out.push(...page.comments);
        if (page.comments.length === 0 || (page.total !== null && out.length >= page.total)) break;
      }
      return out.slice(0, max);
    },

    async getCommentsWithProperties(ids: string[]): Promise<JiraComment[]> {
      const out: JiraComment[] = [];
      for (let i = 0; i < ids.length; i += 1000) {
        const chunk = ids.slice(i, i + 1000).map((x) => Number(x));
        const page = await call({ operation: 'getCommentsWithProperties', method: 'POST', path: '/rest/api/3/comment/list', query: { expand: 'properties', maxResults: 1000 }, body: { ids: chunk }, parse: N.commentPage });
        out.push(...page.comments);
      }
      return out;
    },

    updateComment: (idOrKey: string, commentId: string, body: AdfDocument) =>
      call({
        operation: 'updateComment',
        method: 'PUT',
        path: `${issuePath(idOrKey)}/comment/${seg(commentId)}`,
        body: { body },
        parse: N.comment,
      }),

    deleteComment: (idOrKey: string, commentId: string) =>
      call<void>({ operation: 'deleteComment', method: 'DELETE', path: `${issuePath(idOrKey)}/comment/${seg(commentId)}` }),

    findAssignableUsers: ({ project, query, maxResults }) =>
      call({
        operation: 'findAssignableUsers',
        method: 'GET',
        path: '/rest/api/3/user/assignable/search',
        query: { project, query, maxResults },
        parse: N.users,
      }),

    searchUsers: (query: string) =>
      call({ operation: 'searchUsers', method: 'GET', path: '/rest/api/3/user/search', query: { query }, parse: N.users }),

    getPriorities: () => call({ operation: 'getPriorities', method: 'GET', path: '/rest/api/3/priority', parse: N.priorities }),

    async getProjectIssueTypes(projectIdOrKey: string): Promise<JiraIssueType[]> {
      const out: JiraIssueType[] = [];
      for (let pageNo = 0; pageNo < ISSUE_TYPE_MAX_PAGES; pageNo++) {
        const page = await call({
          operation: 'getProjectIssueTypes',
          method: 'GET',
          path: `/rest/api/3/issue/createmeta/${seg(projectIdOrKey)}/issuetypes`,
          query: { startAt: out.length, maxResults: ISSUE_TYPE_PAGE_SIZE },
          parse: N.issueTypePage,
        });
        out.push(...page.issueTypes);
        const done = page.issueTypes.length === 0 || (page.total !== null ? out.length >= page.total : page.issueTypes.length < ISSUE_TYPE_PAGE_SIZE);
        if (done) return out;
      }
      return out;
    },

    async setIssueProperty(idOrKey: string, key: string, value: unknown): Promise<void> {
      if (JSON.stringify(value) === undefined) {
        throw fail('setIssueProperty', 'invalid', null, 'an issue property value must be JSON (got undefined or a function)');
      }
      await call<void>({
        operation: 'setIssueProperty',
        method: 'PUT',
        path: `${issuePath(idOrKey)}/properties/${seg(key)}`,
        body: value,
      });
    },

    searchProjects: (options: { query?: string; maxProjects?: number } = {}): Promise<JiraProject[]> =>
      allPages('searchProjects', '/rest/api/3/project/search', N.projectPage, PROJECT_PAGE_SIZE, options.maxProjects ?? MAX_PROJECTS, { query: options.query, orderBy: 'key' }),

    getProjectStatuses: (projectIdOrKey: string) =>
      call({ operation: 'getProjectStatuses', method: 'GET', path: `/rest/api/3/project/${seg(projectIdOrKey)}/statuses`, parse: N.projectStatuses }),

    getLabels: (options: { maxLabels?: number } = {}): Promise<string[]> =>
      allPages('getLabels', '/rest/api/3/label', N.labelPage, LABEL_PAGE_SIZE, options.maxLabels ?? MAX_LABELS),

    getResolutions: (): Promise<JiraResolution[]> =>
      allPages('getResolutions', '/rest/api/3/resolution/search', N.resolutionPage, RESOLUTION_PAGE_SIZE, MAX_RESOLUTIONS),

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await agent.close();
    },
  };
}
