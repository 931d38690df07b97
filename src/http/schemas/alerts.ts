import { Type, type Static } from '@sinclair/typebox';
import { ALERT_TYPES, SEVERITIES, STATUSES } from '../../alerts/alert.js';
import { MAX_BATCH, MAX_COMMENT_CHARS } from '../../alerts/alerts-service.js';
import { Iso, Nullable } from './common.js';

/** A string enum as plain JSON Schema `enum`, so that errors list the allowed values. */
export const lit = <T extends readonly string[]>(values: T) => Type.Unsafe<T[number]>({ type: 'string', enum: [...values] });
export const SeveritySchema = lit(SEVERITIES);
export const AlertTypeSchema = lit(ALERT_TYPES);
export const StatusSchema = lit(STATUSES);

const Label = Type.String({ minLength: 1, maxLength: 255, pattern: '^\\S(.*\\S)?$' });
/** A log type is one word: no spaces anywhere (docs/api.md), as destinations' filters require too. */
export const LogType = Type.String({ minLength: 1, maxLength: 255, pattern: '^\\S+$' });

export const NewAlertSchema = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 1000 }),
    description: Type.Optional(Nullable(Type.String({ maxLength: 20000 }))),
    severity: SeveritySchema,
    type: AlertTypeSchema,
    logTypes: Type.Optional(Type.Array(LogType, { maxItems: 50 })),
    ruleId: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 500 }))),
    runbook: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 4000 }))),
    context: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    tags: Type.Optional(Type.Array(Label, { maxItems: 100 })),
    dedupKey: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 500 }))),
  },
  { additionalProperties: false },
);
export type NewAlertBody = Static<typeof NewAlertSchema>;

export const BatchSchema = Type.Object(
  { alerts: Type.Array(NewAlertSchema, { minItems: 1, maxItems: MAX_BATCH }) },
  { additionalProperties: false },
);

export const UserRefSchema = Type.Object({ id: Type.String(), email: Type.String(), name: Type.String() });

export const AlertSchema = Type.Object(
  {
    id: Type.String(),
    title: Type.String(),
    description: Nullable(Type.String()),
    severity: SeveritySchema,
    type: AlertTypeSchema,
    logTypes: Type.Array(Type.String()),
    ruleId: Nullable(Type.String()),
    runbook: Nullable(Type.String()),
    context: Type.Record(Type.String(), Type.Unknown()),
    tags: Type.Array(Type.String()),
    status: StatusSchema,
    assigneeId: Nullable(Type.String()),
    dedupKey: Nullable(Type.String()),
    occurrences: Type.Integer(),
    lastSeenAt: Iso,
    createdAt: Iso,
    updatedAt: Iso,
  },
  { $id: 'Alert' },
);

export const CommentSchema = Type.Object(
  {
    id: Type.String(),
    alertId: Type.String(),
    authorId: Nullable(Type.String()),
    authorName: Type.String(),
    body: Type.String({ description: 'Markdown' }),
    origin: Type.String(),
    createdAt: Iso,
    updatedAt: Iso,
  },
  { $id: 'Comment' },
);

export const ChangeSchema = Type.Object({
  id: Type.Integer(),
  kind: Type.String(),
  field: Nullable(Type.String()),
  from: Type.Unknown(),
  to: Type.Unknown(),
  actor: Type.Object({ type: Type.String(), id: Nullable(Type.String()), name: Type.String() }),
  origin: Type.String(),
  at: Iso,
});

export const AlertDetailSchema = Type.Object({
  alert: Type.Ref('Alert'),
  assignee: Nullable(UserRefSchema),
  comments: Type.Array(Type.Ref('Comment')),
  history: Type.Array(ChangeSchema),
});

export const ListQuerySchema = Type.Object(
  {
    status: Type.Optional(Type.Array(StatusSchema)),
    severity: Type.Optional(Type.Array(SeveritySchema)),
    type: Type.Optional(Type.Array(AlertTypeSchema)),
    assignee: Type.Optional(Type.String({ minLength: 1, maxLength: 320, description: 'user id, email, or "none"' })),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    destination: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'destination id: only alerts with a Jira issue on it' })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 400 })),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  },
  { additionalProperties: false },
);

export const StatusBody = Type.Object({ status: StatusSchema }, { additionalProperties: false });
export const AssigneeBody = Type.Object(
  {
    userId: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 100 }))),
    email: Type.Optional(Nullable(Type.String({ format: 'email', maxLength: 320 }))),
  },
  { additionalProperties: false },
);
export const CommentBody = Type.Object({ body: Type.String({ minLength: 1, maxLength: MAX_COMMENT_CHARS }) }, { additionalProperties: false });
