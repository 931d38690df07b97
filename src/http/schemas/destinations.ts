import { Type } from '@sinclair/typebox';
import { SEVERITIES, STATUSES } from '../../alerts/alert.js';
import { SYNC_MODES } from '../../destinations/destination.js';
import { AlertTypeSchema, SeveritySchema, lit } from './alerts.js';
import { Iso, Nullable } from './common.js';

export const SyncModeSchema = lit(SYNC_MODES);

const Label = Type.String({ minLength: 1, maxLength: 255, pattern: '^\\S+$', description: 'Jira label: no spaces' });
const Labels = Type.Array(Label, { maxItems: 50, uniqueItems: true });
const Priority = Nullable(Type.String({ minLength: 1, maxLength: 255 }));
const JiraStatus = Nullable(Type.String({ minLength: 1, maxLength: 255 }));

// Written out field by field (not built from Object.entries) so that Static<> gives the handlers
// the exact input types (the Fastify TypeBox type provider derives request.body from these).
const LabelsAndPriorityPatch = Type.Partial(Type.Object({ labels: Labels, priority: Priority }), { additionalProperties: false });
const IssuePropertiesPatch = Type.Partial(
  Type.Object({
    assigneeAccountId: Nullable(Type.String({ minLength: 1, maxLength: 128 })),
    bySeverity: Type.Boolean(),
    global: LabelsAndPriorityPatch,
    perSeverity: Type.Partial(
      Type.Object({ INFO: LabelsAndPriorityPatch, LOW: LabelsAndPriorityPatch, MEDIUM: LabelsAndPriorityPatch, HIGH: LabelsAndPriorityPatch, CRITICAL: LabelsAndPriorityPatch }),
      { additionalProperties: false },
    ),
  }),
  { additionalProperties: false },
);
const StatusMappingPatch = Type.Partial(Type.Object({ OPEN: JiraStatus, TRIAGED: JiraStatus, RESOLVED: JiraStatus, CLOSED: JiraStatus }), { additionalProperties: false });

const requiredProps = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  domain: Type.String({ minLength: 1, maxLength: 2048, description: 'Organization domain, e.g. https://example.atlassian.net' }),
  issueType: Type.String({ minLength: 1, maxLength: 255, description: 'Bug, Story, Task or a custom issue type name' }),
  projectKey: Type.String({ pattern: '^[A-Z][A-Z0-9_]{1,9}$', description: 'Jira project key, e.g. SEC' }),
  email: Type.String({ format: 'email', minLength: 3, maxLength: 320 }),
  apiToken: Type.String({ minLength: 1, maxLength: 4096, writeOnly: true, description: 'Jira API token: write-only, never returned' }),
};
const optionalProps = {
  severities: Type.Array(SeveritySchema, { uniqueItems: true, description: 'empty = all' }),
  alertTypes: Type.Array(AlertTypeSchema, { uniqueItems: true, description: 'empty = all' }),
  logTypes: Type.Array(Type.String({ minLength: 1, maxLength: 255, pattern: '^\\S+$' }), { maxItems: 200, uniqueItems: true, description: 'empty = all; no spaces in a log type' }),
  manualDispatch: Type.Boolean(),
  sync: Type.Partial(Type.Object({ status: SyncModeSchema, assignee: SyncModeSchema, comments: SyncModeSchema }), { additionalProperties: false }),
  issueProperties: IssuePropertiesPatch,
  statusMapping: StatusMappingPatch,
  statusResolution: Nullable(Type.String({ maxLength: 255, description: 'Resolution (name or id) status sync fills when a transition requires one; null = "Done", else the first offered' })),
  enabled: Type.Boolean(),
};

export const NewDestinationBody = Type.Object({ ...requiredProps, ...Type.Partial(Type.Object(optionalProps)).properties }, { additionalProperties: false });
export const DestinationPatchBody = Type.Partial(Type.Object({ ...requiredProps, ...optionalProps }), { additionalProperties: false, minProperties: 1 });

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
    statusResolution: Nullable(Type.String()),
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
