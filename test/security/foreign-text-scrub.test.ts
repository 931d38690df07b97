// A Jira (or a proxy in front of it) that echoes pieces of the credentials in its error texts: no
// run of 8+ characters of the API token, in plain, base64 (of the token and of email:token) or
// URL-encoded form, reaches the test answer, the delivery log, lastError, the log or the database,
// and what is kept of a foreign error text is bounded. The "Jira" here is a tiny loopback server
// that answers every request with a 400 quoting the Authorization header it received.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DB_KINDS, dumpTables, startTestService } from '../support/service.js';
import { waitFor } from '../support/delivery.js';

const EMAIL = 'echo-bot@example.com';
const TOKEN = 'ATATT3xFfGF0/k+Lq=Zz9_echoedTOKENvalue42';

/** Every 8-character piece of every form of the token (computed here, independently of src/). */
function pieces(): string[] {
  const forms = [TOKEN, Buffer.from(`${EMAIL}:${TOKEN}`).toString('base64'), Buffer.from(TOKEN).toString('base64')];
  for (const f of [...forms]) forms.push(encodeURIComponent(f));
  const out = new Set<string>();
  for (const f of forms) for (let i = 0; i + 8 <= f.length; i++) out.add(f.slice(i, i + 8));
  return [...out];
}
const PIECES = pieces();
function leaks(where: string, text: string): string[] {
  return PIECES.filter((p) => text.includes(p)).map((p) => `${where}: …${p}…`);
}

async function echoServer(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const auth = String(req.headers.authorization ?? '');
      const b64 = auth.replace(/^Basic /, '');
      const token = Buffer.from(b64, 'base64').toString('utf8').split(':').slice(1).join(':');
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          errorMessages: [
            `token fragment ${token.slice(3, 19)} is not valid`,
            `header seen: ${auth.slice(0, 40)}`,
            `redirect to https://login.example/?t=${encodeURIComponent(token).slice(5, 30)}`,
            `padding ${'p'.repeat(3000)}`,
          ],
          errors: { summary: `echo ${token}`, description: 'q'.repeat(3000) },
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

for (const db of DB_KINDS) {
  test(`echoed credentials never leave the Jira client [${db}]`, async () => {
    const echo = await echoServer();
    const svc = await startTestService(db, { ALERTSYNC_ALLOW_INSECURE_JIRA: '1', ALERTSYNC_WORKER_POLL_MS: '50' });
    try {
      const d = await svc.api('POST', '/api/destinations', { name: 'echo', domain: echo.url, issueType: 'Task', projectKey: 'SEC', email: EMAIL, apiToken: TOKEN });
      assert.equal(d.status, 201, d.text);
      const id = d.body.destination.id;

      const answer = await svc.api('POST', `/api/destinations/${id}/test`);
      assert.equal(answer.body.outcome, 'failed', answer.text);
      assert.equal(answer.body.status, 400);
      assert.match(answer.body.message, /\[redacted\]/, 'the echo was there and was scrubbed');

      const alert = await svc.api('POST', '/api/alerts', { title: 'echo me', severity: 'HIGH', type: 'RULE' });
      // A 400 is curable by a change of the destination: the job is parked as blocked with the error.
      const job = await waitFor('the delivery to be blocked', async () => (await svc.api('GET', `/api/alerts/${alert.body.id}/deliveries`)).body.jobs.find((j: { state: string }) => j.state === 'blocked'));
      assert.match(job.lastError, /\[redacted\]/);
      const log = await svc.api('GET', `/api/alerts/${alert.body.id}/deliveries`);
      const dest = await svc.api('GET', `/api/destinations/${id}`);
      const destLog = await svc.api('GET', `/api/destinations/${id}/deliveries`);
      const testJob = await svc.api('GET', `/api/deliveries/${answer.body.jobId}`);
      assert.ok(log.body.attempts.length >= 1 && testJob.body.attempts.length >= 1);

      // The Jira lists of the destination form: Jira's echo reaches the 502 answer scrubbed.
      const listSaved = await svc.api('GET', `/api/destinations/${id}/jira/projects`);
      const listGiven = await svc.api('POST', '/api/jira/lookup/priorities', { domain: echo.url, email: EMAIL, apiToken: TOKEN });
      for (const l of [listSaved, listGiven]) {
        assert.equal(l.status, 502, l.text);
        assert.equal(l.body.error.code, 'jira_refused');
        assert.match(l.text, /\[redacted\]/, 'the echo was there and was scrubbed');
      }

      const found = [
        ...leaks('jira list answers', listSaved.text + listGiven.text),
        ...leaks('test answer', answer.text),
        ...leaks('alert deliveries', log.text),
        ...leaks('destination', dest.text),
        ...leaks('destination deliveries', destLog.text),
        ...leaks('test job', testJob.text),
        ...leaks('log', svc.logs.join('\n')),
        ...leaks('database', await dumpTables(svc.service.storage)),
      ];
      assert.deepEqual(found, []);
      // What is kept of a foreign text is bounded (the echo server sends over 6,000 characters).
      assert.ok(answer.body.message.length <= 1000, `message of ${answer.body.message.length} characters`);
      assert.ok(answer.body.jiraMessages.join('').length <= 1000, 'jiraMessages bounded');
      for (const a of [...log.body.attempts, ...testJob.body.attempts]) assert.ok(a.error === null || a.error.length <= 1000, 'attempt error bounded');
    } finally {
      await svc.close();
      await new Promise((r) => echo.server.close(r));
    }
  });
}
