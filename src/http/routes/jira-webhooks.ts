// POST /webhooks/jira/{destinationId} (issue #12): the receiver a Jira Cloud admin webhook (signed,
// X-Hub-Signature: sha256=<hex HMAC of the raw body>) or an automation rule (Authorization: Bearer
// <secret>) calls. Order of work, so nothing is done on a body before its sender is known:
//  1. onRequest: the destination must exist (404) and have a webhook secret; a bearer token is
//     checked here, before the body is read; without a bearer token an X-Hub-Signature of the
//     right form must be present (401).
//  2. The body is read as raw bytes (config.rawBody; over the limit: 413), never parsed by Fastify.
//  3. The signature is checked over those bytes (401), only then is the JSON checked for depth and
//     parsed (400), and the event stored in the inbox (2xx) — a storage failure answers 503 so
//     Jira retries. Nothing is stored for a refused delivery.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { DomainError, invalid, notFound, unauthorized } from '../../errors.js';
import { jsonNestsDeeperThan } from '../json-depth.js';
import { bearerMatches, bearerToken, signatureDigest, signatureMatches, type WebhookAuthKind } from '../../security/webhook-auth.js';
import type { JiraInboxService } from '../../sync/jira-inbox-service.js';
import type { Destination } from '../../destinations/destination.js';

export interface JiraWebhookRouteDeps {
  inbox: JiraInboxService;
  /** The secrets that verify this destination's webhooks now (current, and previous in its grace). */
  secretsFor: (destinationId: string) => Promise<string[]>;
  maxBodyBytes: number;
  maxJsonDepth: number;
  /** The URL Jira must call for a destination (from ALERTSYNC_PUBLIC_URL). */
  webhookUrlFor: (destinationId: string) => string;
}

interface Verified {
  destination: Destination;
  secrets: string[];
  auth: WebhookAuthKind;
}

const verifiedOf = new WeakMap<FastifyRequest, Verified>();

const header = (request: FastifyRequest, name: string): string | undefined => {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

export function jiraWebhookRoutes(deps: JiraWebhookRouteDeps) {
  /** A refusal of a known destination is remembered for its setup view (status and reason only). */
  const refused = (destinationId: string, err: DomainError): DomainError => {
    deps.inbox.noteRefusal(destinationId, err.kind === 'unauthorized' ? 401 : 400, err.message);
    return err;
  };
  return (app: FastifyInstance): void => {
    app.post<{ Params: { destinationId: string } }>(
      '/webhooks/jira/:destinationId',
      {
        bodyLimit: deps.maxBodyBytes,
        config: { permission: 'public', rawBody: true },
        schema: {
          summary: 'Receives a Jira Cloud webhook for a destination with two-way sync (signed or bearer token); docs/sync.md',
          params: Type.Object({ destinationId: Type.String({ maxLength: 200 }) }),
          hide: true,
        },
        onRequest: async (request, reply) => {
          const id = (request.params as { destinationId: string }).destinationId;
          let destination: Destination | undefined;
          let secrets: string[];
          try {
            destination = await deps.inbox.destination(id);
            secrets = destination ? await deps.secretsFor(id) : [];
          } catch (err) {
            request.log.error({ err: (err as Error).message }, 'webhook: storage unavailable');
            return reply.code(503).send({ error: 'unavailable', message: 'storage is unavailable; retry later' });
          }
          if (!destination) throw notFound('destination', id);
          const refuse = (err: DomainError) => refused(destination!.id, err);
          if (secrets.length === 0) throw refuse(unauthorized('this destination has no two-way sync, so it accepts no webhooks'));
          const token = bearerToken(header(request, 'authorization'));
          if (token !== null) {
            if (!bearerMatches(token, secrets)) throw refuse(unauthorized('the bearer token does not match the webhook secret'));
            verifiedOf.set(request, { destination, secrets, auth: 'bearer' });
            return;
          }
          if (signatureDigest(header(request, 'x-hub-signature')) === null) {
            throw refuse(unauthorized('an X-Hub-Signature: sha256=<HMAC of the body> or an Authorization: Bearer <secret> header is required'));
          }
          verifiedOf.set(request, { destination, secrets, auth: 'signature' });
        },
      },
      async (request, reply) => {
        const v = verifiedOf.get(request)!;
        const refuse = (err: DomainError) => refused(v.destination.id, err);
        const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        if (v.auth === 'signature' && !signatureMatches(signatureDigest(header(request, 'x-hub-signature'))!, raw, v.secrets)) {
          throw refuse(unauthorized('the X-Hub-Signature does not match the body under the webhook secret'));
        }
        const text = raw.toString('utf8');
        if (text.trim() === '') throw refuse(invalid('malformed_json', 'the body is empty; a JSON object is expected'));
        if (jsonNestsDeeperThan(text, deps.maxJsonDepth)) throw refuse(invalid('malformed_json', `it nests arrays and objects more than ${deps.maxJsonDepth} levels deep (ALERTSYNC_MAX_JSON_DEPTH)`));
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          throw refuse(invalid('malformed_json', 'the body could not be parsed as JSON'));
        }
        const eventName = body && typeof body === 'object' && typeof (body as { webhookEvent?: unknown }).webhookEvent === 'string' ? (body as { webhookEvent: string }).webhookEvent.slice(0, 200) : null;
        const deliveryId = header(request, 'x-atlassian-webhook-identifier')?.slice(0, 200) ?? null;
        try {
          const out = await deps.inbox.receive({ destination: v.destination, deliveryId, eventName, rawBody: raw, body, auth: v.auth });
          if (out.result === 'duplicate') return reply.code(200).send({ status: 'duplicate' });
          return reply.code(202).send({ status: out.state === 'pending' ? 'accepted' : 'ignored', reason: out.reason });
        } catch (err) {
          request.log.error({ err: (err as Error).message, destinationId: v.destination.id }, 'webhook: could not store the event');
          return reply.code(503).send({ error: 'unavailable', message: 'the event could not be stored; retry later' });
        }
      },
    );

    app.get<{ Params: { id: string } }>(
      '/api/destinations/:id/webhook',
      {
        config: { permission: 'destinations:read' },
        schema: {
          tags: ['destinations'],
          summary: 'What to register in Jira for two-way sync (URL, events, JQL filter) and the last webhook received or refused; docs/two-way.md',
          params: Type.Object({ id: Type.String({ maxLength: 200 }) }),
        },
      },
      async (request) => {
        const d = await deps.inbox.destination(request.params.id);
        if (!d) throw notFound('destination', request.params.id);
        const twoWay = Object.values(d.sync).includes('two_way');
        return { destinationId: d.id, twoWay, ...(await deps.inbox.setup(d.id, deps.webhookUrlFor(d.id))) };
      },
    );
  };
}
