import { Type, type TSchema } from '@sinclair/typebox';
import { SEVERITIES, STATUSES } from '../../alerts/alert.js';
import { SYNC_MODES } from '../../destinations/destination.js';
import { AlertTypeSchema, SeveritySchema, lit } from './alerts.js';
import { Iso, Nullable } from './common.js';

export const SyncModeSchema = lit(SYNC_MODES);

const Label = Type.String({ minLength: 1, maxLength: 255, pattern: '^\\S+$', description: 'Jira label: no spaces' });
const Labels = Type.Array(Label, { maxItems: 50, uniqueItems: true });
const Priority = Nullable(Type.String({ minLength: 1, maxLength: 255 }));
const JiraStatus = Nullable(Type.String({ minLength: 1, maxLength: 255 }));

const partialOf = (props: Record<string, TSchema>) =>
  Type.Object(Object.fromEntries(Object.entries(props).map(([k, v]) => [k, Type.Optional(v)])), { additionalProperties: false });

const LabelsAndPriorityPatch = partialOf({ labels: Labels, priority: Priority });
const perSeverityProps = Object.fromEntries(SEVERITIES.map((s) => [s, LabelsAndPriorityPatch])) as Record<(typeof SEVERITIES)[number], typeof LabelsAndPriorityPatch>;
const IssuePropertiesPatch = partialOf({
  assigneeAccountId: Nullable(Type.String({ minLength: 1, maxLength: 128 })),
  bySeverity: Type.Boolean(),
  global: LabelsAndPriorityPatch,
  perSeverity: partialOf(perSeverityProps),
});
const statusProps = Object.fromEntries(STATUSES.map((s) => [s, JiraStatus])) as Record<(typeof STATUSES)[number], typeof JiraStatus>;

const writable = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  domain: Type.String({ minLength: 1, maxLength: 2048, description: 'Organization domain, e.g. https://example.atlassian.net' }),
  issueType: Type.String({ minLength: 1, maxLength: 255, description: 'Bug, Story, Task or a custom issue type name' }),
  projectKey: Type.String({ pattern: '^[A-Z][A-Z0-9_]{1,9}$', description: 'Jira project key, e.g. SEC' }),
  email: Type.String({ format: 'email', minLength: 3, maxLength: 320 }),
  apiToken: Type.String({ minLength: 1, maxLength: 4096, writeOnly: true, description: 'Jira API token: write-only, never returned' }),
  severities: Type.Array(SeveritySchema, { uniqueItems: true, description: 'empty = all' }),
  alertTypes: Type.Array(AlertTypeSchema, { uniqueItems: true, description: 'empty = all' }),
  logTypes: Type.Array(Type.String({ minLength: 1, maxLength: 255, pattern: '^\\S+$' }), { maxItems: 200, uniqueItems: true, description: 'empty = all; no spaces in a log type' }),
  manualDispatch: Type.Boolean(),
  sync: partialOf({ status: SyncModeSchema, assignee: SyncModeSchema, comments: SyncModeSchema }),
  issueProperties: IssuePropertiesPatch,
  statusMapping: partialOf(statusProps),
  enabled: Type.Boolean(),
};

const required = ['name', 'domain', 'issueType', 'projectKey', 'email', 'apiToken'] as const;

export const NewDestinationBody = Type.Object(
  Object.fromEntries(Object.entries(writable).map(([k, v]) => [k, (required as readonly string[]).includes(k) ? v : Type.Optional(v)])),
  { additionalProperties: false },
);
export const DestinationPatchBody = Type.Object(
  Object.fromEntries(Object.entries(writable).map(([k, v]) => [k, Type.Optional(v)])),
  { additionalProperties: false, minProperties: 1 },
);

const LabelsAndPriorityOut = Type.Object({ labels: Type.Array(Type.String()), priority: Nullable(Type.String()) });
export const DestinationSchema = Type.Object(
  {
    id: Type.String(),
    kind: Type.Literal('jira_cloud'),
    name: Type.String(),
    domain: Type.String(),
    siteHost: Type.String(),
    projectKey: Type.String(),
    issueType: Type.String(),
    email: Type.String(),
    hasApiToken: Type.Boolean(),
    severities: Type.Array(SeveritySchema),
    alertTypes: Type.Array(AlertTypeSchema),
    logTypes: Type.Array(Type.String()),
    manualDispatch: Type.Boolean(),
    sync: Type.Object({ status: SyncModeSchema, assignee: SyncModeSchema, comments: SyncModeSchema }),
    issueProperties: Type.Object({
      assigneeAccountId: Nullable(Type.String()),
      bySeverity: Type.Boolean(),
      global: LabelsAndPriorityOut,
      perSeverity: Type.Object(Object.fromEntries(SEVERITIES.map((s) => [s, LabelsAndPriorityOut]))),
    }),
    statusMapping: Type.Object(Object.fromEntries(STATUSES.map((s) => [s, Nullable(Type.String())]))),
    enabled: Type.Boolean(),
    hasWebhookSecret: Type.Boolean(),
    webhookUrl: Nullable(Type.String()),
    lastError: Nullable(Type.String()),
    createdAt: Iso,
    updatedAt: Iso,
  },
  { $id: 'Destination' },
);

export const WebhookSchema = Type.Object(
  {
    url: Type.String({ description: 'Enter in Jira as the instance URL' }),
    secret: Type.String({ description: 'Shown once; enter in Jira as the secret' }),
  },
  { $id: 'DestinationWebhook' },
);

export const SaveResponse = Type.Object({
  destination: Type.Ref('Destination'),
  warnings: Type.Array(Type.String()),
  webhook: Type.Optional(Type.Ref('DestinationWebhook')),
});
