import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { may } from '../../users/user.js';
import { Type, type TSchema } from '@sinclair/typebox';
import type { Alert, AlertChange, Comment } from '../../alerts/alert.js';
import type { AlertsService } from '../../alerts/alerts-service.js';
import type { UsersService } from '../../users/users-service.js';
import { invalid } from '../../errors.js';
import { actorOf, originOf } from '../auth.js';
import type { CursorCodec } from '../cursor.js';
import { IdParams, errorResponses, iso } from '../schemas/common.js';
import {
  AlertDetailSchema,
  AssigneeBody,
  BatchSchema,
  CommentBody,
  ListQuerySchema,
  NewAlertSchema,
  StatusBody,
} from '../schemas/alerts.js';

export const alertJson = (a: Alert) => {
  // A new alert's three times are one: formatted once (a batch of 1,000 answers 1,000 alerts).
  const created = iso(a.createdAt);
  return {
    ...a,
    lastSeenAt: a.lastSeenAt === a.createdAt ? created : iso(a.lastSeenAt),
    createdAt: created,
    updatedAt: a.updatedAt === a.createdAt ? created : iso(a.updatedAt),
  };
};
const commentJson = (c: Comment) => ({ ...c, createdAt: iso(c.createdAt), updatedAt: iso(c.updatedAt) });
const changeJson = (c: AlertChange) => ({ id: c.id, kind: c.kind, field: c.field, from: c.from, to: c.to, actor: c.actor, origin: c.origin, at: iso(c.at) });

/**
 * What a caller without alerts:read (the ingest role) gets back for an alert it sent: the id and
 * whether it opened a new alert or counted an occurrence of an open one, never the stored alert.
 */
const AlertReceipt = Type.Object(
  { id: Type.String(), created: Type.Boolean({ description: 'true: a new alert; false: an occurrence of the open alert with this dedupKey' }) },
  { additionalProperties: false, description: 'The answer to a caller that may not read alerts (ingest role)' },
);
const CreatedAlert = Type.Union([Type.Ref('Alert'), AlertReceipt]);
const CreatedBatch = (item: TSchema) => Type.Object({ alerts: Type.Array(item), created: Type.Integer(), deduplicated: Type.Integer() });

/**
 * The answers of the create routes, one schema per kind of caller. The routes document the union
 * (`CreatedAlert`), but serializing a union makes the serializer validate every item against each
 * branch until one fits. Each answer is serialized with the branch its caller gets instead
 * (compiled at a route's first answer, then cached by Fastify): the answer to a batch of 1,000
 * alerts took 8–28 ms warm and now 5–19 ms (bench/RESULTS.md).
 */
const AnswerSchemas = {
  alert: Type.Ref('Alert'),
  receipt: AlertReceipt,
  batchOfAlerts: CreatedBatch(Type.Ref('Alert')),
  batchOfReceipts: CreatedBatch(AlertReceipt),
};

/** Serializes `reply`'s payload with one of `AnswerSchemas` (for the status `reply` has). */
function answerWith(reply: FastifyReply, schema: object): FastifyReply {
  return reply.serializer(reply.compileSerializationSchema(schema as never, String(reply.statusCode)));
}

export function alertRoutes(deps: { alerts: AlertsService; users: UsersService; maxBatchBodyBytes: number; cursors: CursorCodec }) {
  return (fastify: FastifyInstance): void => register(fastify, deps);
}

function register(fastify: FastifyInstance, deps: { alerts: AlertsService; users: UsersService; maxBatchBodyBytes: number; cursors: CursorCodec }): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { alerts, users } = deps;
  const mayRead = (request: FastifyRequest) => request.user !== null && may(request.user.role, 'alerts:read');
  const tags = ['alerts'];

  app.post('/api/alerts', {
    config: { permission: 'alerts:create' },
    schema: {
      tags,
      summary: 'Create an alert (or count an occurrence of the open alert with the same dedupKey)',
      description: 'Callers that may read alerts get the stored alert; the ingest role gets only { id, created }.',
      body: NewAlertSchema,
      response: { 200: CreatedAlert, 201: CreatedAlert, ...errorResponses },
    },
    handler: async (request, reply) => {
      const { alert, created } = await alerts.create(actorOf(request), originOf(request), request.body);
      const read = mayRead(request);
      reply.code(created ? 201 : 200);
      return answerWith(reply, read ? AnswerSchemas.alert : AnswerSchemas.receipt).send(read ? alertJson(alert) : { id: alert.id, created });
    },
  });

  app.post('/api/alerts/batch', {
    bodyLimit: deps.maxBatchBodyBytes,
    config: { permission: 'alerts:create' },
    schema: {
      tags,
      summary: 'Create up to 1,000 alerts, all or nothing',
      body: BatchSchema,
      response: { 201: CreatedBatch(CreatedAlert), ...errorResponses },
    },
    handler: async (request, reply) => {
      const results = await alerts.createBatch(actorOf(request), originOf(request), request.body.alerts);
      const created = results.filter((r) => r.created).length;
      const read = mayRead(request);
      const out = results.map((r) => (read ? alertJson(r.alert) : { id: r.alert.id, created: r.created }));
      reply.code(201);
      return answerWith(reply, read ? AnswerSchemas.batchOfAlerts : AnswerSchemas.batchOfReceipts).send({ alerts: out, created, deduplicated: results.length - created });
    },
  });

  app.get('/api/alerts', {
    config: { permission: 'alerts:read' },
    schema: {
      tags,
      summary: 'List alerts, newest first, filtered, with cursor pagination',
      querystring: ListQuerySchema,
      response: { 200: Type.Object({ alerts: Type.Array(Type.Ref('Alert')), nextCursor: Type.Union([Type.String(), Type.Null()]) }), ...errorResponses },
    },
    handler: async (request) => {
      const q = request.query;
      let assigneeId: string | null | undefined;
      if (q.assignee === 'none') assigneeId = null;
      else if (q.assignee?.includes('@')) {
        // An unknown email matches no alert (rather than every alert).
        assigneeId = (await users.findByEmail(q.assignee))?.id ?? 'no user has this email';
      } else assigneeId = q.assignee;
      const rows = await alerts.list({
        statuses: q.status,
        severities: q.severity,
        types: q.type,
        assigneeId,
        text: q.q,
        destinationId: q.destination,
        after: q.cursor ? deps.cursors.decode(q.cursor) : undefined,
        limit: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      return { alerts: page.map(alertJson), nextCursor: rows.length > q.limit ? deps.cursors.encode(page[page.length - 1]!) : null };
    },
  });

  app.get('/api/alerts/:id', {
    config: { permission: 'alerts:read' },
    schema: { tags, summary: 'One alert with its comments and history', params: IdParams, response: { 200: AlertDetailSchema, ...errorResponses } },
    handler: async (request) => {
      const { id } = request.params;
      const d = await alerts.get(id);
      return {
        alert: alertJson(d.alert),
        assignee: d.assignee && { id: d.assignee.id, email: d.assignee.email, name: d.assignee.name },
        comments: d.comments.map(commentJson),
        history: d.history.map(changeJson),
      };
    },
  });

  app.put('/api/alerts/:id/status', {
    config: { permission: 'alerts:write' },
    schema: { tags, summary: 'Change the status', params: IdParams, body: StatusBody, response: { 200: Type.Ref('Alert'), ...errorResponses } },
    handler: async (request) => {
      const { id } = request.params;
      const { status } = request.body;
      return alertJson(await alerts.changeStatus(actorOf(request), originOf(request), id, status));
    },
  });

  app.put('/api/alerts/:id/assignee', {
    config: { permission: 'alerts:write' },
    schema: { tags, summary: 'Assign by user id or email; both null (or {}) unassigns', params: IdParams, body: AssigneeBody, response: { 200: Type.Ref('Alert'), ...errorResponses } },
    handler: async (request) => {
      const { id } = request.params;
      const body = request.body;
      if (body.userId && body.email) throw invalid('ambiguous_assignee', 'give userId or email, not both');
      return alertJson(await alerts.assign(actorOf(request), originOf(request), id, body));
    },
  });

  app.post('/api/alerts/:id/comments', {
    config: { permission: 'alerts:write' },
    schema: { tags, summary: 'Add a Markdown comment', params: IdParams, body: CommentBody, response: { 201: Type.Ref('Comment'), ...errorResponses } },
    handler: async (request, reply) => {
      const { id } = request.params;
      const { body } = request.body;
      return reply.code(201).send(commentJson(await alerts.addComment(actorOf(request), originOf(request), id, body)));
    },
  });

  const CommentParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }), commentId: Type.String({ minLength: 1, maxLength: 100 }) });

  app.put('/api/alerts/:id/comments/:commentId', {
    config: { permission: 'alerts:write' },
    schema: { tags, summary: 'Edit a comment (its author, or an admin)', params: CommentParams, body: CommentBody, response: { 200: Type.Ref('Comment'), ...errorResponses } },
    handler: async (request) => {
      const { id, commentId } = request.params;
      const { body } = request.body;
      const anyAuthor = request.user?.role === 'admin';
      return commentJson(await alerts.editComment(actorOf(request), originOf(request), id, commentId, body, { anyAuthor }));
    },
  });

  app.delete('/api/alerts/:id/comments/:commentId', {
    config: { permission: 'alerts:write' },
    schema: { tags, summary: 'Delete a comment (its author, or an admin)', params: CommentParams, response: { 204: Type.Null(), ...errorResponses } },
    handler: async (request, reply) => {
      const { id, commentId } = request.params;
      await alerts.deleteComment(actorOf(request), originOf(request), id, commentId, { anyAuthor: request.user?.role === 'admin' });
      return reply.code(204).send(null);
    },
  });
}
