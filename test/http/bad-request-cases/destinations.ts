// Refused destination requests: rule breaks, refused hosts, wrong types, unknown enums and ids.
// The runner (../bad-requests.test.ts) checks the status, the message, and that no table changed.
import assert from 'node:assert/strict';
import type { TestService } from '../../support/service.js';
import type { BadRequestCase, Ctx } from './types.js';

const mapping = { OPEN: 'To Do', TRIAGED: 'In Progress', RESOLVED: 'Done', CLOSED: 'Done' };
const base = { name: 'table dest', domain: 'https://other.atlassian.net', issueType: 'Task', projectKey: 'SEC', email: 'jira-bot@example.com', apiToken: 'table-api-token' };
const withDomain = (domain: string) => ({ ...base, domain });
const path = '/api/destinations';
const one = (c: Ctx) => `${path}/${c.destinationId}`;

/** A one-way destination and a two-way destination on https://acme.atlassian.net. */
export async function setupDestinationContext(svc: TestService): Promise<Pick<Ctx, 'destinationId' | 'twoWayDestinationId'>> {
  const oneWay = await svc.api('POST', path, { ...base, name: 'table one-way', domain: 'https://acme.atlassian.net', projectKey: 'OPS', sync: { comments: 'one_way' } });
  assert.equal(oneWay.status, 201, oneWay.text);
  const twoWay = await svc.api('POST', path, { ...base, name: 'table two-way', domain: 'https://acme.atlassian.net', sync: { status: 'two_way' }, statusMapping: mapping });
  assert.equal(twoWay.status, 201, twoWay.text);
  return { destinationId: oneWay.body.destination.id, twoWayDestinationId: twoWay.body.destination.id };
}

export const destinationCases: BadRequestCase[] = [
  // Configuration rules of the spec.
  { name: 'destination: second two-way on the same site, other project', method: 'POST', path, body: { ...withDomain('https://acme.atlassian.net'), projectKey: 'OTHER', sync: { comments: 'two_way' } }, expectStatus: 409, expectMessage: /"table two-way" \(dst_\w+\) already has two-way sync \(status\) with the Jira site acme\.atlassian\.net/ },
  { name: 'destination: same site with upper-case host and trailing slash', method: 'POST', path, body: { ...withDomain('https://ACME.atlassian.net/'), sync: { assignee: 'two_way' } }, expectStatus: 409, expectMessage: /only one destination per Jira site may use two-way sync/ },
  { name: 'destination: log type with a space inside', method: 'PATCH', path: one, body: { logTypes: ['AWS CloudTrail'] }, expectStatus: 400, expectMessage: /body\.logTypes\.0 must match pattern/ },
  { name: 'destination: one-way made two-way on a site that has one', method: 'PATCH', path: one, body: { sync: { comments: 'two_way' } }, expectStatus: 409, expectMessage: /already has two-way sync .* acme\.atlassian\.net/ },
  { name: 'destination: status sync without a full status mapping', method: 'POST', path, body: { ...base, sync: { status: 'one_way' }, statusMapping: { OPEN: 'To Do' } }, expectStatus: 400, expectMessage: /statusMapping must name a Jira status .* missing: TRIAGED, RESOLVED, CLOSED/ },
  { name: 'destination: two projects in one key', method: 'POST', path, body: { ...base, projectKey: 'SEC,OPS' }, expectStatus: 400, expectMessage: /body\.projectKey must match pattern/ },
  { name: 'destination: domain change without the API token', method: 'PATCH', path: one, body: { domain: 'https://elsewhere.atlassian.net' }, expectStatus: 400, expectMessage: /apiToken is required when the domain changes/ },
  { name: 'destination: email change without the API token', method: 'PATCH', path: one, body: { email: 'someone-else@example.com' }, expectStatus: 400, expectMessage: /apiToken is required when the email changes/ },
  { name: 'destination: rotate a secret without two-way sync', method: 'POST', path: (c) => `${one(c)}/webhook-secret/rotate`, expectStatus: 409, expectMessage: /has no two-way sync, so it has no webhook secret to rotate/ },
  // Host policy.
  { name: 'destination: http domain', method: 'POST', path, body: withDomain('http://acme.atlassian.net'), expectStatus: 400, expectMessage: /domain must be an https URL \(got http\)/ },
  { name: 'destination: host outside atlassian.net', method: 'POST', path, body: withDomain('https://jira.evil.example'), expectStatus: 400, expectMessage: /jira\.evil\.example is not an Atlassian Cloud site .* ALERTSYNC_JIRA_HOSTS/ },
  { name: 'destination: look-alike atlassian host', method: 'POST', path, body: withDomain('https://acme.atlassian.net.evil.example'), expectStatus: 400, expectMessage: /is not an Atlassian Cloud site/ },
  { name: 'destination: localhost', method: 'POST', path, body: withDomain('https://localhost'), expectStatus: 400, expectMessage: /localhost is not an Atlassian Cloud site/ },
  { name: 'destination: private IPv4 literal', method: 'POST', path, body: withDomain('https://10.1.2.3'), expectStatus: 400, expectMessage: /10\.1\.2\.3 is a private address/ },
  { name: 'destination: cloud metadata address', method: 'POST', path, body: withDomain('https://169.254.169.254'), expectStatus: 400, expectMessage: /169\.254\.169\.254 is a linkLocal address/ },
  { name: 'destination: IPv6 loopback', method: 'POST', path, body: withDomain('https://[::1]'), expectStatus: 400, expectMessage: /::1 is a loopback address/ },
  { name: 'destination: IPv4-mapped IPv6 loopback', method: 'POST', path, body: withDomain('https://[::ffff:127.0.0.1]'), expectStatus: 400, expectMessage: /is a loopback address/ },
  { name: 'destination: credentials in the domain', method: 'POST', path, body: withDomain('https://bot:secret@acme.atlassian.net'), expectStatus: 400, expectMessage: /must not contain a user name or password/ },
  { name: 'destination: domain with a path', method: 'POST', path, body: withDomain('https://acme.atlassian.net/jira/software'), expectStatus: 400, expectMessage: /without a path, query or fragment/ },
  { name: 'destination: non-standard port', method: 'POST', path, body: withDomain('https://acme.atlassian.net:8443'), expectStatus: 400, expectMessage: /standard https port 443/ },
  { name: 'destination: domain is not a URL', method: 'POST', path, body: withDomain('acme'), expectStatus: 400, expectMessage: /domain "acme" is not a URL/ },
  { name: 'destination: domain change to a private address, with token', method: 'PATCH', path: one, body: { domain: 'https://192.168.1.10', apiToken: 'new-token' }, expectStatus: 400, expectMessage: /192\.168\.1\.10 is a private address/ },
  // Shapes, types and enums.
  { name: 'destination: missing API token', method: 'POST', path, body: { ...base, apiToken: undefined }, expectStatus: 400, expectMessage: /body\.apiToken is required/ },
  { name: 'destination: API token is a number', method: 'POST', path, body: { ...base, apiToken: 12345 }, expectStatus: 400, expectMessage: /body\.apiToken must be of type string/ },
  { name: 'destination: unknown field', method: 'POST', path, body: { ...base, apiKey: 'x' }, expectStatus: 400, expectMessage: /body\.apiKey is not a known field/ },
  { name: 'destination: unknown sync mode', method: 'POST', path, body: { ...base, sync: { status: 'both' } }, expectStatus: 400, expectMessage: /body\.sync\.status must be one of off, one_way, two_way/ },
  { name: 'destination: unknown sync aspect', method: 'POST', path, body: { ...base, sync: { priority: 'one_way' } }, expectStatus: 400, expectMessage: /body\.sync\.priority is not a known field/ },
  { name: 'destination: unknown severity', method: 'POST', path, body: { ...base, severities: ['HIGH', 'URGENT'] }, expectStatus: 400, expectMessage: /body\.severities\.1 must be one of INFO, LOW, MEDIUM, HIGH, CRITICAL/ },
  { name: 'destination: unknown alert type', method: 'POST', path, body: { ...base, alertTypes: ['ANOMALY'] }, expectStatus: 400, expectMessage: /body\.alertTypes\.0 must be one of RULE, POLICY/ },
  { name: 'destination: severity listed twice', method: 'POST', path, body: { ...base, severities: ['HIGH', 'HIGH'] }, expectStatus: 400, expectMessage: /body\.severities must NOT have duplicate items/ },
  { name: 'destination: label with a space', method: 'POST', path, body: { ...base, issueProperties: { global: { labels: ['two words'] } } }, expectStatus: 400, expectMessage: /body\.issueProperties\.global\.labels\.0 must match pattern/ },
  { name: 'destination: unknown severity in perSeverity', method: 'POST', path, body: { ...base, issueProperties: { perSeverity: { URGENT: { labels: [] } } } }, expectStatus: 400, expectMessage: /body\.issueProperties\.perSeverity\.URGENT is not a known field/ },
  { name: 'destination: unknown alert status in the mapping', method: 'POST', path, body: { ...base, statusMapping: { DONE: 'Done' } }, expectStatus: 400, expectMessage: /body\.statusMapping\.DONE is not a known field/ },
  { name: 'destination: manualDispatch as a string', method: 'POST', path, body: { ...base, manualDispatch: 'yes' }, expectStatus: 400, expectMessage: /body\.manualDispatch must be of type boolean/ },
  { name: 'destination: invalid email', method: 'POST', path, body: { ...base, email: 'not-an-email' }, expectStatus: 400, expectMessage: /body\.email must match format "email"/ },
  { name: 'destination: blank name', method: 'POST', path, body: { ...base, name: '   ' }, expectStatus: 400, expectMessage: /name must not be blank/ },
  { name: 'destination: empty patch', method: 'PATCH', path: one, body: {}, expectStatus: 400, expectMessage: /body must NOT have fewer than 1 properties/ },
  { name: 'destination: id is read-only', method: 'PATCH', path: one, body: { id: 'dst_other' }, expectStatus: 400, expectMessage: /body\.id is not a known field/ },
  { name: 'destination: malformed JSON holding a token', method: 'POST', path, rawBody: '{"name": "x", "apiToken": SECRETTOKEN-in-bad-json}', expectStatus: 400, expectMessage: /^request body is not valid JSON: it could not be parsed \(the body is not quoted back: it may hold a secret\)$/ },
  { name: 'destination: empty JSON body', method: 'POST', path, rawBody: '', contentType: 'application/json', expectStatus: 400, expectMessage: /the body is empty; a JSON object is expected/ },
  // Unknown ids and roles.
  { name: 'destination: get unknown id', method: 'GET', path: `${path}/dst_nope`, expectStatus: 404, expectMessage: /destination "dst_nope" does not exist/ },
  { name: 'destination: patch unknown id', method: 'PATCH', path: `${path}/dst_nope`, body: { name: 'x' }, expectStatus: 404, expectMessage: /destination "dst_nope" does not exist/ },
  { name: 'destination: delete unknown id', method: 'DELETE', path: `${path}/dst_nope`, expectStatus: 404, expectMessage: /destination "dst_nope" does not exist/ },
  { name: 'destination: rotate unknown id', method: 'POST', path: `${path}/dst_nope/webhook-secret/rotate`, expectStatus: 404, expectMessage: /destination "dst_nope" does not exist/ },
  { name: 'destination: viewer cannot create', method: 'POST', path, body: base, token: 'viewer', expectStatus: 403, expectMessage: /viewer role may not do this \(needs destinations:write\)/ },
  { name: 'destination: analyst cannot rotate', method: 'POST', path: (c) => `${path}/${c.twoWayDestinationId}/webhook-secret/rotate`, token: 'analyst', expectStatus: 403, expectMessage: /analyst role may not do this \(needs destinations:write\)/ },
  { name: 'destination: analyst cannot delete', method: 'DELETE', path: one, token: 'analyst', expectStatus: 403, expectMessage: /needs destinations:write/ },
  { name: 'destination: ingest cannot read', method: 'GET', path, token: 'ingest', expectStatus: 403, expectMessage: /ingest role may not do this \(needs destinations:read\)/ },
  { name: 'destination: no token', method: 'GET', path, token: 'none', expectStatus: 401, expectMessage: /a valid API token is required/ },
];
