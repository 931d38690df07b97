
// Types of the Jira Cloud REST client: one type per concept. Everything the client returns is
// normalised from Jira's JSON at the edge (normalize.ts); callers never see raw Jira payloads except
// the `fields` map of an issue, whose content depends on the fields they asked for.

/** What went wrong, as the delivery worker needs to know it. See errors.ts for the mapping. */
export type JiraErrorKind =
  | 'network'
  | 'timeout'
  | 'rate_limited'
  | 'server'
  | 'auth'
  | 'forbidden'
  | 'not_found'
  | 'invalid'
  | 'conflict'
  | 'unexpected';

/** One finished HTTP exchange (or attempt), reported to `onRequest` for logs and metrics. */
export interface JiraRequestInfo {
  method: string;
  /** Path without the query string (queries can carry e-mail addresses and JQL). */
  path: string;
  /** Low-cardinality name of the client method, e.g. `createIssue`: use it as a metrics label. */
  operation: string;
  /** HTTP status, or null when no response arrived (network error, timeout, refused address). */
  status: number | null;
  durationMs: number;
  errorKind?: JiraErrorKind;
  /** The answer's rate-limit headers (raw values; null when absent); absent when no answer came. */
  rateLimit?: { nearLimit: string | null; remaining: string | null; limit: string | null; retryAfter: string | null };
}

export interface JiraClientOptions {
  /** Site URL, e.g. https://acme.atlassian.net (an optional path prefix is kept). */
  baseUrl: string;
  email: string;
  apiToken: string;
  /** Per-call limit, from sending the request to reading the whole answer. */
  timeoutMs: number;
  /**
   * Lifts the safety rules for tests and the local emulator: allows http:// base URLs and
   * loopback/private/link-local addresses. Never set it for a real site.
   */
  allowInsecure: boolean;
  /**
   * The service's host allowlist, asked before every request with the site's lower-case
   * host[:port]: a reason string refuses the call (kind `invalid`, permanent), null lets it go.
   */
  refuseHost?: (siteHost: string) => string | null;
  userAgent?: string;
  /** Called once per call; exceptions thrown by it are swallowed. Never receives credentials. */
  onRequest?: (info: JiraRequestInfo) => void;
}

/** Any ADF node; the client passes documents through unchanged. */
export interface AdfNode {
  type: string;
}

/**
 * An Atlassian Document Format document (REST v3 descriptions and comment bodies). The documents
 * alertsync writes are built by src/jira/format/adf.ts (its `AdfDoc` is one of these).
 */
export interface AdfDocument {
  type: 'doc';
  version: 1;
  content: readonly AdfNode[];
}

export type ProjectRef = { key: string } | { id: string };
export type IssueTypeRef = { id: string } | { name: string };
export type PriorityRef = { id: string } | { name: string };

/** The `fields` object of POST /rest/api/3/issue. Other field ids (custom fields) go in as given. */
export interface CreateIssueFields {
  project: ProjectRef;
  issuetype: IssueTypeRef;
  summary: string;
  description?: AdfDocument;
  labels?: string[];
  priority?: PriorityRef;
  assignee?: { accountId: string } | null;
  [customFieldId: `customfield_${string}`]: unknown;
}

/**
 * A new issue in alertsync's terms; the client turns it into Jira's create fields. The summary and
 * the description come ready from src/jira/description.ts (cut to Jira's limits, ADF).
 */
export interface NewIssue {
  projectKey: string;
  issueType: string;
  summary: string;
  description: AdfDocument;
  labels: string[];
  priority: string | null;
  assigneeAccountId: string | null;
}

export interface CreatedIssue {
  id: string;
  key: string;
}

/** Jira's bulk create takes at most this many issues a call. */
export const BULK_CREATE_LIMIT = 50;

/** One issue of a bulk create: made, or refused by Jira on its own (the others are not affected). */
export type BulkCreateResult = { created: CreatedIssue } | { failed: import('./errors.js').JiraError };

/** A Jira user as far as alertsync cares. Identity is the accountId; the e-mail is often hidden. */
export interface JiraUser {
  accountId: string;
  /** `atlassian`, `app` or `customer`; empty when Jira did not say. */
  accountType: string;
  displayName: string;
  active: boolean;
  /** null when the user's profile hides it (the common case on Cloud). */
  emailAddress: string | null;
  timeZone: string | null;
}

export interface JiraStatus {
  id: string;
  name: string;
  /** Status category key: `new` (To Do), `indeterminate` (In Progress), `done`; `undefined` if none. */
  category: string;
}

/**
 * An issue. `fields` is Jira's map for the fields that were asked for, unchanged; the common ones
 * are also parsed into typed attributes (undefined when not requested or not present).
 */
export interface JiraIssue {
  id: string;
  key: string;
  fields: Record<string, unknown>;
  summary?: string;
  status?: JiraStatus;
  /** null = unassigned. */
  assignee?: JiraUser | null;
  labels?: string[];
  priority?: { id: string; name: string } | null;
  /** Jira timestamp text, e.g. 2026-11-25T10:00:00.000+0000. */
  updated?: string;
}

export interface SearchJqlParams {
  jql: string;
  /** Jira returns only ids unless fields are asked for. */
  fields: string[];
  maxResults?: number;
  nextPageToken?: string;
}

export interface SearchJqlPage {
  issues: JiraIssue[];
  /** Absent on the last page. */
  nextPageToken?: string;
}

export interface SearchAllOptions {
  /** Page size, default 100. */
  pageSize?: number;
  /** Upper bound on issues collected; more matches → JiraError `unexpected`. Default 1000. */
  maxIssues?: number;
}

export interface JiraTransition {
  /** The id to POST, not the target status id. */
  id: string;
  name: string;
  to: JiraStatus;
  hasScreen: boolean;
  isAvailable: boolean;
  /** Field ids the transition screen requires (e.g. `resolution`). */
  requiredFields: string[];
  /** The required fields with their names and the values the screen offers (e.g. resolutions). */
  requiredFieldDetails: Array<{ fieldId: string; name: string; allowedValues: Array<{ id: string; name: string }> }>;
}

export interface JiraComment {
  id: string;
  /** ADF in REST v3; null if Jira sent something else. */
  body: AdfDocument | null;
  author: JiraUser | null;
  created: string;
  updated: string;
  /** The comment's entity properties by key, when they were asked for (`expand=properties`). */
  properties?: Record<string, unknown>;
}

/** An entity property as Jira takes it on a comment create or update. */
export interface EntityProperty {
  key: string;
  value: unknown;
}

export interface JiraPriority {
  id: string;
  name: string;
  isDefault: boolean;
}

export interface JiraIssueType {
  id: string;
  name: string;
  subtask: boolean;
}

export interface JiraProject {
  id: string;
  key: string;
  name: string;
}

export interface JiraResolution {
  id: string;
  name: string;
  description: string;
  /** The site's default resolution (Jira has none until an admin sets one). */
  isDefault: boolean;
}

/** The statuses one issue type of a project can be in (GET project/{key}/statuses). */
export interface JiraIssueTypeStatuses {
  issueTypeId: string;
  issueTypeName: string;
  statuses: JiraStatus[];
}

export interface AssignableUsersQuery {
  project: string;
  query: string;
  maxResults?: number;
}

export interface JiraClient {
  myself(): Promise<JiraUser>;
  /** Creates an issue from alertsync's terms (see NewIssue). */
  createIssue(issue: NewIssue): Promise<CreatedIssue>;
  /**
   * Creates 1 to 50 issues in one request (POST /rest/api/3/issue/bulk). Answers one result per
   * issue, in order: created, or failed with Jira's own error for that issue (status, messages).
   * A failure of the whole call (network, timeout, 429, 5xx, 401…) throws a JiraError as any call.
   */
  createIssues(issues: NewIssue[]): Promise<BulkCreateResult[]>;
  /** Creates an issue from Jira's own fields (REST v3 wire format); for tests of the client. */
  createIssueFromFields(fields: CreateIssueFields): Promise<CreatedIssue>;
  /** Issues carrying every one of the labels, oldest first (at most `maxIssues`, default 200). */
  findByLabels(labels: string[], options?: { maxIssues?: number }): Promise<JiraIssue[]>;
  /**
   * Closes an issue as a duplicate of `keptKey`: a comment naming it, then a transition to a done
   * status when one exists (else the comment only). `beforeCall` runs before each request (rate limit).
   */
  closeAsDuplicate(idOrKey: string, keptKey: string, options?: { beforeCall?: () => Promise<void> }): Promise<{ closed: boolean }>;
  /** The address a person opens to see the issue. */
  issueUrl(key: string): string;
  getIssue(idOrKey: string, fields?: string[]): Promise<JiraIssue>;
  searchJql(params: SearchJqlParams): Promise<SearchJqlPage>;
  searchAll(jql: string, fields: string[], options?: SearchAllOptions): Promise<JiraIssue[]>;
  getTransitions(idOrKey: string): Promise<JiraTransition[]>;
  transitionIssue(idOrKey: string, transitionId: string, fields?: Record<string, unknown>): Promise<void>;
  /** null unassigns. */
  assignIssue(idOrKey: string, accountId: string | null): Promise<void>;
  /** Adds a comment; `properties` are stored with it as comment entity properties (one request). */
  addComment(idOrKey: string, body: AdfDocument, options?: { properties?: EntityProperty[] }): Promise<JiraComment>;
  /** Every comment of an issue (GET issue/{key}/comment, all pages up to `maxComments`, default 5000). */
  listComments(idOrKey: string, options?: { maxComments?: number }): Promise<JiraComment[]>;
  /** Comments by id with their entity properties (POST comment/list?expand=properties; at most 1000 ids a call). */
  getCommentsWithProperties(ids: string[]): Promise<JiraComment[]>;
  updateComment(idOrKey: string, commentId: string, body: AdfDocument): Promise<JiraComment>;
  deleteComment(idOrKey: string, commentId: string): Promise<void>;
  findAssignableUsers(q: AssignableUsersQuery): Promise<JiraUser[]>;
  searchUsers(query: string): Promise<JiraUser[]>;
  getPriorities(): Promise<JiraPriority[]>;
  getProjectIssueTypes(projectIdOrKey: string): Promise<JiraIssueType[]>;
  setIssueProperty(idOrKey: string, key: string, value: unknown): Promise<void>;
  /** Projects the account can see (GET project/search, every page up to `maxProjects`, default 1000), by key. */
  searchProjects(options?: { query?: string; maxProjects?: number }): Promise<JiraProject[]>;
  /** Statuses per issue type of a project (GET project/{key}/statuses). */
  getProjectStatuses(projectIdOrKey: string): Promise<JiraIssueTypeStatuses[]>;
  /** Labels of the site (GET label, every page up to `maxLabels`, default 5000). Jira has no label search: filter the result. */
  getLabels(options?: { maxLabels?: number }): Promise<string[]>;
  /** Resolutions of the site (GET resolution/search, every page). */
  getResolutions(): Promise<JiraResolution[]>;
  /** Closes the client's connection pool. Calls after close fail. */
  close(): Promise<void>;
}
