// The emulated Jira site's data model (in memory). Wire formats live in representation.ts.
import type { AdfDoc } from '../adf-wiki.js';

export type Permission =
  | 'BROWSE_PROJECTS'
  | 'CREATE_ISSUES'
  | 'EDIT_ISSUES'
  | 'TRANSITION_ISSUES'
  | 'ASSIGN_ISSUES'
  | 'ASSIGNABLE_USER'
  | 'ADD_COMMENTS'
  | 'EDIT_ALL_COMMENTS'
  | 'DELETE_ALL_COMMENTS'
  | 'DELETE_ISSUES'
  | 'MOVE_ISSUES'
  | 'ADMINISTER';

export interface User {
  accountId: string;
  accountType: 'atlassian' | 'app';
  email: string;
  /** false = the user hid their email address in their profile: it never appears in REST answers to others. */
  emailVisible: boolean;
  displayName: string;
  apiToken: string;
  timeZone: string;
  active: boolean;
  permissions: Set<Permission>;
  /** one-line description for docs/emulator.md and the admin API */
  role: string;
}

export type StatusCategoryKey = 'new' | 'indeterminate' | 'done';

export interface StatusCategory {
  id: number;
  key: StatusCategoryKey;
  colorName: string;
  name: string;
}

export interface Status {
  id: string;
  name: string;
  description: string;
  category: StatusCategory;
}

export interface ScreenField {
  fieldId: 'resolution';
  name: string;
  required: boolean;
}

export interface WorkflowTransition {
  id: string;
  name: string;
  toStatusId: string;
  /** null = global transition (available from every status) */
  fromStatusIds: string[] | null;
  screen: ScreenField[];
}

export interface Workflow {
  name: string;
  initialStatusId: string;
  statusIds: string[];
  transitions: WorkflowTransition[];
}

export interface IssueType {
  id: string;
  name: string;
  description: string;
  avatarId: number;
}

export interface Priority {
  id: string;
  name: string;
  description: string;
  statusColor: string;
  isDefault: boolean;
}

export interface Resolution {
  id: string;
  name: string;
  description: string;
}

export interface Project {
  id: string;
  key: string;
  name: string;
  description: string;
  leadAccountId: string;
  /** the project's default assignee: its lead, or nobody (Jira's "Default Assignee" setting) */
  assigneeType: 'PROJECT_LEAD' | 'UNASSIGNED';
  issueTypeIds: string[];
  workflow: Workflow;
  nextIssueNumber: number;
}

export interface Comment {
  id: string;
  issueId: string;
  authorId: string;
  updateAuthorId: string;
  body: AdfDoc;
  created: Date;
  updated: Date;
  visibility: { type: string; value: string; identifier?: string } | null;
  /** Comment entity properties (set on create/update with `properties`, or by the property endpoints). */
  properties: Map<string, unknown>;
}

export interface ChangeItem {
  field: string;
  fieldtype: string;
  fieldId?: string;
  from: string | null;
  fromString: string | null;
  to: string | null;
  toString: string | null;
  tmpFromAccountId?: string | null;
  tmpToAccountId?: string | null;
}

export interface ChangelogEntry {
  id: string;
  authorId: string;
  created: Date;
  items: ChangeItem[];
}

/** What JQL search sees of an issue, frozen at write time (search lag serves older snapshots). */
export interface IndexSnapshot {
  visibleFrom: number;
  view: import('../jql/index.js').JqlIssueView;
}

export interface Issue {
  id: string;
  key: string;
  previousKeys: string[];
  projectId: string;
  issueTypeId: string;
  summary: string;
  description: AdfDoc | null;
  environment: AdfDoc | null;
  labels: string[];
  priorityId: string | null;
  assigneeId: string | null;
  reporterId: string;
  creatorId: string;
  statusId: string;
  resolutionId: string | null;
  resolutionDate: Date | null;
  created: Date;
  updated: Date;
  statusCategoryChangeDate: Date;
  comments: Comment[];
  properties: Map<string, unknown>;
  changelog: ChangelogEntry[];
  index: IndexSnapshot[];
}

export interface WebhookRegistration {
  id: number;
  name: string;
  url: string;
  events: string[];
  jqlFilter: string;
  excludeBody: boolean;
  secret: string | null;
  enabled: boolean;
  lastUpdatedBy: string;
  lastUpdated: Date;
}
