import type { BadRequestCase } from './types.js';

export const deliveryCases: BadRequestCase[] = [
  { name: 'dispatch: destination without manual dispatch', method: 'POST', path: (c) => `/api/alerts/${c.alertId}/dispatch`, body: (c: { destinationId: string }) => ({ destinationId: c.destinationId }), expectStatus: 409, expectMessage: /does not allow manual dispatch/ },
  { name: 'dispatch: unknown destination', method: 'POST', path: (c) => `/api/alerts/${c.alertId}/dispatch`, body: { destinationId: 'dst_nope' }, expectStatus: 404, expectMessage: /destination "dst_nope" does not exist/ },
  { name: 'dispatch: unknown alert', method: 'POST', path: '/api/alerts/alr_nope/dispatch', body: (c: { destinationId: string }) => ({ destinationId: c.destinationId }), expectStatus: 404, expectMessage: /does not exist/ },
  { name: 'dispatch: missing destinationId', method: 'POST', path: (c) => `/api/alerts/${c.alertId}/dispatch`, body: {}, expectStatus: 400, expectMessage: /body\.destinationId is required/ },
  { name: 'dispatch: viewer may not dispatch', method: 'POST', path: (c) => `/api/alerts/${c.alertId}/dispatch`, body: (c: { destinationId: string }) => ({ destinationId: c.destinationId }), token: 'viewer', expectStatus: 403, expectMessage: /needs alerts:dispatch/ },
  { name: 'retry: unknown delivery', method: 'POST', path: '/api/deliveries/job_nope/retry', expectStatus: 404, expectMessage: /delivery "job_nope" does not exist/ },
  { name: 'deliveries: unknown alert', method: 'GET', path: '/api/alerts/alr_nope/deliveries', expectStatus: 404, expectMessage: /alert "alr_nope" does not exist/ },
  { name: 'deliveries: unknown destination', method: 'GET', path: '/api/destinations/dst_nope/deliveries', expectStatus: 404, expectMessage: /destination "dst_nope" does not exist/ },
  { name: 'test alert: unknown destination', method: 'POST', path: '/api/destinations/dst_nope/test', expectStatus: 404, expectMessage: /destination "dst_nope" does not exist/ },
  { name: 'test alert: analyst may not send one', method: 'POST', path: (c) => `/api/destinations/${c.destinationId}/test`, token: 'analyst', expectStatus: 403, expectMessage: /needs destinations:write/ },
  { name: 'resume: unknown destination', method: 'POST', path: '/api/destinations/dst_nope/resume', expectStatus: 404, expectMessage: /destination "dst_nope" does not exist/ },
  { name: 'resume: analyst may not resume', method: 'POST', path: (c) => `/api/destinations/${c.destinationId}/resume`, token: 'analyst', expectStatus: 403, expectMessage: /needs destinations:write/ },
  { name: 'replay failed: unknown destination', method: 'POST', path: '/api/destinations/dst_nope/deliveries/replay-failed', expectStatus: 404, expectMessage: /destination "dst_nope" does not exist/ },
  { name: 'replay failed: viewer may not replay', method: 'POST', path: (c) => `/api/destinations/${c.destinationId}/deliveries/replay-failed`, token: 'viewer', expectStatus: 403, expectMessage: /needs alerts:dispatch/ },
  { name: 'site rate: zero', method: 'PUT', path: '/api/jira-sites/acme.atlassian.net/rate-limit', body: { ratePerSec: 0 }, expectStatus: 400, expectMessage: /body\.ratePerSec must be > 0/ },
  { name: 'site rate: not a host', method: 'PUT', path: '/api/jira-sites/ACME%20x/rate-limit', body: { ratePerSec: 5 }, expectStatus: 400, expectMessage: /params\.host must match pattern/ },
];
