// The demo site every emulator starts with (and returns to on reset). docs/emulator.md lists it.
import type { IssueType, Permission, Priority, Project, Resolution, Status, StatusCategory, User, Workflow } from './state/model.js';

const ALL: Permission[] = [
  'BROWSE_PROJECTS', 'CREATE_ISSUES', 'EDIT_ISSUES', 'TRANSITION_ISSUES', 'ASSIGN_ISSUES', 'ASSIGNABLE_USER',
  'ADD_COMMENTS', 'EDIT_ALL_COMMENTS', 'DELETE_ALL_COMMENTS', 'DELETE_ISSUES', 'MOVE_ISSUES', 'ADMINISTER',
];
const MEMBER: Permission[] = ALL.filter((p) => p !== 'ADMINISTER');

export function seedUsers(): User[] {
  return [
    {
      accountId: '5b10ac8d82e05b22cc7d4ef5', accountType: 'atlassian', email: 'ada.admin@example.com', emailVisible: true,
      displayName: 'Ada Admin', apiToken: 'ATATT-emulator-ada-admin', timeZone: 'Europe/London', active: true,
      permissions: new Set(ALL), role: 'Jira administrator: every project permission, manages admin webhooks',
    },
    {
      accountId: '712020:5f0c4a8e-2b6d-4c1e-9a37-1d2e3f4a5b6c', accountType: 'atlassian', email: 'alertsync-bot@example.com',
      emailVisible: true, displayName: 'alertsync integration', apiToken: 'ATATT-emulator-alertsync-bot', timeZone: 'UTC',
      active: true, permissions: new Set(MEMBER), role: 'integration account: create, edit, transition, assign, comment, delete, move',
    },
    {
      accountId: '5d53f3cbc6b9320d9ea5bdc2', accountType: 'atlassian', email: 'hugo.hidden@example.com', emailVisible: false,
      displayName: 'Hugo Hidden', apiToken: 'ATATT-emulator-hugo-hidden', timeZone: 'America/New_York', active: true,
      permissions: new Set(MEMBER), role: 'project member whose email address is hidden from everyone else',
    },
    {
      accountId: '712020:9a2d4b8e-1f3c-4e5a-8b7d-6c0e2f4a9b31', accountType: 'atlassian', email: 'vera.viewer@example.com',
      emailVisible: true, displayName: 'Vera Viewer', apiToken: 'ATATT-emulator-vera-viewer', timeZone: 'Europe/Berlin',
      active: true, permissions: new Set<Permission>(['BROWSE_PROJECTS']),
      role: 'read-only: may browse, may not create, edit, transition, assign or comment; not assignable',
    },
  ];
}

export const STATUS_CATEGORIES: Record<'new' | 'indeterminate' | 'done', StatusCategory> = {
  new: { id: 2, key: 'new', colorName: 'blue-gray', name: 'To Do' },
  indeterminate: { id: 4, key: 'indeterminate', colorName: 'yellow', name: 'In Progress' },
  done: { id: 3, key: 'done', colorName: 'green', name: 'Done' },
};

export function seedStatuses(): Status[] {
  const c = STATUS_CATEGORIES;
  return [
    { id: '10000', name: 'To Do', description: '', category: c.new },
    { id: '3', name: 'In Progress', description: 'This issue is being actively worked on at the moment by the assignee.', category: c.indeterminate },
    { id: '10001', name: 'Done', description: '', category: c.done },
    { id: '10002', name: 'Waiting for Vendor', description: 'Custom status: blocked on a third party.', category: c.indeterminate },
    { id: '10003', name: 'In Review', description: '', category: c.indeterminate },
    { id: '6', name: 'Closed', description: 'The issue is considered finished, the resolution is correct.', category: c.done },
  ];
}

export function seedIssueTypes(): IssueType[] {
  return [
    { id: '10001', name: 'Task', description: 'A small, distinct piece of work.', avatarId: 10318 },
    { id: '10004', name: 'Bug', description: 'A problem or error.', avatarId: 10303 },
    { id: '10002', name: 'Story', description: 'Functionality or a feature expressed as a user goal.', avatarId: 10315 },
  ];
}

export function seedPriorities(): Priority[] {
  return [
    { id: '1', name: 'Highest', description: 'This problem will block progress.', statusColor: '#d04437', isDefault: false },
    { id: '2', name: 'High', description: 'Serious problem that could block progress.', statusColor: '#f15C75', isDefault: false },
    { id: '3', name: 'Medium', description: 'Has the potential to affect progress.', statusColor: '#f79232', isDefault: true },
    { id: '4', name: 'Low', description: 'Minor problem or easily worked around.', statusColor: '#707070', isDefault: false },
    { id: '5', name: 'Lowest', description: 'Trivial problem with little or no impact on progress.', statusColor: '#999999', isDefault: false },
  ];
}

export function seedResolutions(): Resolution[] {
  return [
    { id: '10000', name: 'Done', description: 'Work has been completed on this issue.' },
    { id: '10001', name: "Won't Do", description: 'This issue won\'t be actioned.' },
    { id: '10002', name: 'Duplicate', description: 'The problem is a duplicate of an existing issue.' },
    { id: '10003', name: 'Cannot Reproduce', description: 'All attempts at reproducing this issue failed.' },
  ];
}

/** SEC: every status reaches every other through global transitions. */
function openWorkflow(): Workflow {
  return {
    name: 'SEC: Open workflow',
    initialStatusId: '10000',
    statusIds: ['10000', '3', '10002', '10001'],
    transitions: [
      { id: '11', name: 'To Do', toStatusId: '10000', fromStatusIds: null, screen: [] },
      { id: '21', name: 'In Progress', toStatusId: '3', fromStatusIds: null, screen: [] },
      { id: '31', name: 'Done', toStatusId: '10001', fromStatusIds: null, screen: [] },
      { id: '41', name: 'Waiting for Vendor', toStatusId: '10002', fromStatusIds: null, screen: [] },
    ],
  };
}

/** OPS: To Do → In Progress → In Review → Closed (resolution required on the Close screen) → Reopen. */
function restrictedWorkflow(): Workflow {
  return {
    name: 'OPS: Restricted workflow',
    initialStatusId: '10000',
    statusIds: ['10000', '3', '10003', '6'],
    transitions: [
      { id: '11', name: 'Start Progress', toStatusId: '3', fromStatusIds: ['10000'], screen: [] },
      { id: '21', name: 'Send to Review', toStatusId: '10003', fromStatusIds: ['3'], screen: [] },
      { id: '31', name: 'Back to Progress', toStatusId: '3', fromStatusIds: ['10003'], screen: [] },
      { id: '41', name: 'Close', toStatusId: '6', fromStatusIds: ['10003'], screen: [{ fieldId: 'resolution', name: 'Resolution', required: true }] },
      { id: '51', name: 'Reopen', toStatusId: '10000', fromStatusIds: ['6'], screen: [] },
    ],
  };
}

export function seedProjects(): Project[] {
  return [
    {
      id: '10000', key: 'SEC', name: 'Security', description: 'Security findings raised by alertsync.',
      leadAccountId: '5b10ac8d82e05b22cc7d4ef5', assigneeType: 'UNASSIGNED', issueTypeIds: ['10001', '10004', '10002'], workflow: openWorkflow(), nextIssueNumber: 1,
    },
    {
      id: '10001', key: 'OPS', name: 'Operations', description: 'Operations project with a restricted workflow.',
      leadAccountId: '5b10ac8d82e05b22cc7d4ef5', assigneeType: 'UNASSIGNED', issueTypeIds: ['10001', '10004'], workflow: restrictedWorkflow(), nextIssueNumber: 1,
    },
  ];
}

/** Labels Jira already knows about on the demo site (GET /label also lists every label in use). */
export const SEED_LABELS = ['alertsync', 'security', 'vulnerability'];
