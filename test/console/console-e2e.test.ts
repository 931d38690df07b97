// The web console end to end (issue #13): the real service serving web/dist, the Jira Cloud emulator,
// and Debian's Chromium driven by playwright-core. Every page visited is checked with axe-core (no
// serious or critical violation) at 1280 px and 390 px, must not scroll sideways, and no test may
// leave a browser console error. Screenshots of the main pages go to docs/screenshots/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startEmulator, type RunningEmulator } from '../../src/jira/emulator/index.js';
import { startTestService, type TestService } from '../support/service.js';
import { BOT, createEmulatorDestination, issuesForAlert, waitFor } from '../support/delivery.js';
import { WIDTHS, checkPage, ensureConsoleBuilt, launchBrowser, openPage, signIn, type WatchedPage } from './browser.js';

const ENV = { ALERTSYNC_ALLOW_INSECURE_JIRA: '1', ALERTSYNC_WORKER_POLL_MS: '50', ALERTSYNC_RETRY_BASE_MS: '50', ALERTSYNC_RETRY_MAX_MS: '200', ALERTSYNC_CREATE_RECHECK_MS: '200' };
const PASSWORD = 'correct horse battery staple';
const ADA_ACCOUNT = '5b10ac8d82e05b22cc7d4ef5';
const SEC_MAPPING = { OPEN: 'To Do', TRIAGED: 'In Progress', RESOLVED: 'Done', CLOSED: 'Done' };

let browser: Browser;
before(async () => {
  ensureConsoleBuilt();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

interface Setup {
  svc: TestService;
  emu: RunningEmulator;
  admin: { id: string; email: string };
  ada: { id: string; email: string };
  viewer: { id: string; email: string };
  close(): Promise<void>;
}

/** A service and an emulator, with an admin, an analyst (Ada, whose email Jira knows) and a viewer. */
async function setup(): Promise<Setup> {
  const emu = await startEmulator();
  const svc = await startTestService('sqlite', ENV);
  const me = await svc.api('GET', '/api/users/me');
  const ada = await svc.api('POST', '/api/users', { email: 'ada.admin@example.com', name: 'Ada Analyst', role: 'analyst' });
  assert.equal(ada.status, 201, ada.text);
  const viewer = await svc.api('POST', '/api/users', { email: 'vic.viewer@example.com', name: 'Vic Viewer', role: 'viewer' });
  assert.equal(viewer.status, 201, viewer.text);
  for (const u of [ada.body, viewer.body]) await setPassword(svc, u.id);
  return {
    svc,
    emu,
    admin: { id: me.body.id, email: me.body.email },
    ada: { id: ada.body.id, email: ada.body.email },
    viewer: { id: viewer.body.id, email: viewer.body.email },
    async close() {
      await svc.close();
      await emu.close();
    },
  };
}

/** The invite path (the service's public URL is a placeholder in tests: the page is opened on the real one). */
async function invitePath(svc: TestService, userId: string): Promise<string> {
  const r = await svc.api('POST', `/api/users/${userId}/invites`);
  assert.equal(r.status, 201, r.text);
  return new URL(r.body.url as string).pathname;
}

async function setPassword(svc: TestService, userId: string): Promise<void> {
  const token = (await invitePath(svc, userId)).split('/').pop()!;
  const r = await svc.api('POST', `/api/invites/${token}`, { password: PASSWORD }, null);
  assert.equal(r.status, 204, r.text);
}

async function withPage(width: number, fn: (p: WatchedPage) => Promise<void>): Promise<void> {
  const p = await openPage(browser, width);
  // Before sign-in the console asks whether a session exists: 401 is the expected "no".
  p.expect('/api/session', 401);
  try {
    await fn(p);
    assert.deepEqual(p.errors, [], 'no browser console error');
  } finally {
    await p.close();
  }
}

async function jira(emu: RunningEmulator, method: string, path: string, body?: unknown, as = 'ada.admin@example.com') {
  const res = await fetch(emu.url + path, { method, headers: { authorization: emu.authFor(as), 'content-type': 'application/json', accept: 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, text };
}

const adfText = (node: unknown): string => {
  if (!node || typeof node !== 'object') return '';
  const n = node as { text?: string; content?: unknown[] };
  return (n.text ?? '') + (n.content ?? []).map(adfText).join('');
};

test('sign-in: an admin sets a password through the invite link, signs in, and every main page passes axe at both widths', async () => {
  const s = await setup();
  try {
    const path = await invitePath(s.svc, s.admin.id);
    await createEmulatorDestination(s.svc, s.emu, { name: 'Security', sync: { status: 'one_way', assignee: 'one_way', comments: 'one_way' }, statusMapping: SEC_MAPPING });
    await s.svc.api('POST', '/api/alerts', { title: 'Root login without MFA', severity: 'HIGH', type: 'RULE', description: 'Console sign-in as root', tags: ['aws', 'iam'], context: { sourceIp: '10.0.0.1' } });
    await s.svc.api('POST', '/api/alerts', { title: 'Disk almost full', severity: 'LOW', type: 'SYSTEM_ERROR' });
    for (const width of WIDTHS) {
      await withPage(width, async ({ page }) => {
        if (width === WIDTHS[0]) {
          await page.goto(s.svc.url + path);
          await page.getByRole('heading', { name: 'Set your password' }).waitFor();
          await checkPage(page, 'invite');
          await page.getByLabel('New password').fill(PASSWORD);
          await page.getByLabel('Repeat the password').fill(PASSWORD);
          await page.getByRole('button', { name: 'Set password' }).click();
          await page.getByText('Your password is set').waitFor();
          // The link works once.
          const again = await s.svc.api('GET', `/api/invites/${path.split('/').pop()}`, undefined, null);
          assert.equal(again.status, 404);
        }
        await page.goto(s.svc.url + '/');
        await page.getByRole('heading', { name: 'Sign in' }).waitFor();
        await checkPage(page, 'sign-in');
        // A wrong password is refused with the service's message.
        await page.getByLabel('Email').fill(s.admin.email);
        await page.getByLabel('Password').fill('not the password at all');
        const wrong = page.waitForResponse((r) => r.url().endsWith('/api/session') && r.request().method() === 'POST');
        await page.getByRole('button', { name: 'Sign in' }).click();
        const refused = await wrong;
        assert.equal(refused.status(), 401);
        await page.getByRole('alert').waitFor();
        await signIn(page, s.svc.url, s.admin.email, PASSWORD);
        // The session lives in an HttpOnly cookie; nothing is kept in browser storage.
        const cookies = await page.context().cookies();
        const session = cookies.find((c) => c.name === 'alertsync_session');
        assert.ok(session?.httpOnly, 'HttpOnly session cookie');
        assert.equal(session.sameSite, 'Strict');
        assert.deepEqual(await page.evaluate('[localStorage.length, sessionStorage.length]'), [0, 0]);

        await page.getByRole('heading', { name: 'Overview' }).waitFor();
        await page.locator('canvas').first().waitFor();
        await checkPage(page, 'overview');
        // The charts' numbers: the two alerts by severity, from GET /api/overview.
        await page.getByText('The numbers behind the charts').click();
        assert.equal(await page.locator('.alert-totals td[data-severity="HIGH"]').innerText(), '1');
        assert.equal(await page.locator('.alert-totals td[data-severity="LOW"]').innerText(), '1');
        assert.equal(await page.locator('.alert-totals td[data-severity="CRITICAL"]').innerText(), '0');
        await page.getByRole('link', { name: 'Alerts', exact: true }).click();
        await page.getByRole('link', { name: 'Root login without MFA' }).waitFor();
        await checkPage(page, 'alerts');
        await page.getByRole('link', { name: 'Root login without MFA' }).click();
        await page.getByRole('heading', { name: 'Context' }).waitFor();
        assert.match(await page.locator('pre.json').innerText(), /"sourceIp": "10\.0\.0\.1"/);
        await checkPage(page, 'alert');
        await page.getByRole('link', { name: 'Destinations', exact: true }).click();
        await page.getByRole('heading', { name: 'Destinations' }).waitFor();
        await checkPage(page, 'destinations');
        await page.getByRole('link', { name: 'Users', exact: true }).click();
        await page.getByRole('heading', { name: 'Users' }).waitFor();
        await page.locator('[data-user-email="vic.viewer@example.com"]').waitFor();
        await checkPage(page, 'users');
      });
    }
  } finally {
    await s.close();
  }
});

test('the destination wizard, two-way included: Jira lists fetched live, the webhook secret shown once, a test alert that becomes an issue in the emulator', async () => {
  const s = await setup();
  try {
    await setPassword(s.svc, s.admin.id);
    for (const width of WIDTHS) {
      await withPage(width, async ({ page }) => {
        await signIn(page, s.svc.url, s.admin.email, PASSWORD);
        await page.getByRole('link', { name: 'Destinations', exact: true }).click();
        await page.getByRole('link', { name: 'New destination' }).click();
        await page.getByRole('heading', { name: 'New Jira Cloud destination' }).waitFor();
        const name = `Security ${width}`;
        await page.getByLabel('Display name').fill(name);
        await page.getByLabel('Organization domain').fill(s.emu.url);
        await page.getByLabel('Project key').fill('SEC');
        await page.getByLabel('Issue type').fill('Task');
        await page.getByLabel('Email (of the Jira account)').fill(BOT.email);
        await page.getByLabel('Jira API token').fill(BOT.apiToken);
        await page.getByLabel('HIGH').check();
        await page.getByLabel('CRITICAL').check();
        await page.getByLabel('Allow manual dispatch').check();
        // One destination per Jira site may be two-way: the 390 px run makes a one-way one.
        const mode = width === 1280 ? 'Two-way' : 'One-way';
        for (const group of ['Alert status', 'Assignee', 'Comments']) await page.getByRole('group', { name: group }).getByLabel(mode).check();
        await checkPage(page, 'wizard-form');
        await page.getByRole('button', { name: 'Continue' }).click();

        // Issue properties: people, priorities and labels come from the Jira site.
        await page.getByRole('heading', { name: 'Configure Jira issue properties' }).waitFor();
        const assignee = page.getByLabel('Assignee', { exact: true });
        await waitFor('Jira users in the list', async () => (await assignee.locator('option').allTextContents()).some((t) => t.includes('Hugo Hidden')));
        await assignee.selectOption({ label: 'alertsync integration (alertsync-bot@example.com)' });
        await page.getByLabel('Priority').selectOption({ label: 'High' });
        await page.getByLabel('Labels', { exact: true }).fill('alertsync-console');
        await page.getByRole('button', { name: 'Add label' }).click();
        await page.getByText('is new: Jira creates it').waitFor();
        await checkPage(page, 'wizard-properties');
        await page.getByRole('button', { name: 'Continue' }).click();

        // Status mapping with the project's statuses read from Jira.
        await page.getByRole('heading', { name: 'Status syncing' }).waitFor();
        const open = page.getByLabel('OPEN', { exact: true });
        await waitFor('the project statuses', async () => (await open.locator('option').allTextContents()).includes('Waiting for Vendor'));
        // Nothing chosen: the step does not move on.
        await page.getByRole('button', { name: 'Save changes' }).click();
        await page.getByText('Choose the Jira status for OPEN, TRIAGED, RESOLVED, CLOSED.').waitFor();
        for (const [st, jiraStatus] of Object.entries(SEC_MAPPING)) await page.getByLabel(st, { exact: true }).selectOption(jiraStatus);
        await checkPage(page, 'wizard-status');
        await page.getByRole('button', { name: 'Save changes' }).click();

        let destinationId: string;
        if (width === 1280) {
          // Two-way: the instance URL and the secret, once, with the steps to register the webhook.
          await page.getByRole('heading', { name: 'Two-way sync' }).waitFor();
          const url = await page.getByLabel('Instance URL (webhook URL)').inputValue();
          const secret = await page.getByLabel('Secret', { exact: true }).inputValue();
          assert.match(url, /\/webhooks\/jira\/dst_/);
          assert.ok(secret.length >= 20, 'a secret is shown');
          await page.getByText('project = SEC').waitFor();
          await checkPage(page, 'wizard-two-way');
          destinationId = url.split('/').pop()!;
          // Register it in Jira as its admin would (the test service's public URL is a placeholder: the emulator reaches it on loopback).
          const hook = await jira(s.emu, 'POST', '/rest/webhooks/1.0/webhook', {
            name: 'alertsync',
            url: s.svc.url + new URL(url).pathname,
            secret,
            events: ['jira:issue_updated', 'comment_created', 'comment_updated', 'comment_deleted'],
            filters: { 'issue-related-events-section': 'project = SEC' },
          });
          assert.equal(hook.status, 201, hook.text);
          assert.equal(await page.getByRole('button', { name: 'Continue' }).isDisabled(), true, 'continue waits for the confirmation');
          await page.getByLabel('I have stored the secret and registered the webhook').check();
          await page.getByRole('button', { name: 'Continue' }).click();
          // The secret is not on the page any more, nor anywhere in browser storage.
          assert.equal(await page.getByLabel('Secret', { exact: true }).count(), 0);
          assert.ok(!(await page.content()).includes(secret), 'the secret left the page');
          assert.deepEqual(await page.evaluate('[localStorage.length, sessionStorage.length]'), [0, 0]);
        } else {
          await page.getByRole('heading', { name: 'Test and finish' }).waitFor();
          const list = await s.svc.api('GET', '/api/destinations');
          destinationId = (list.body.destinations as Array<{ id: string; name: string }>).find((d) => d.name === name)!.id;
        }

        await page.getByRole('heading', { name: 'Test and finish' }).waitFor();
        await page.getByRole('button', { name: 'Send Test Alert' }).click();
        const created = page.getByText(/Test alert created/);
        await created.waitFor({ timeout: 20_000 });
        const key = await created.locator('a.issue-key').innerText();
        await checkPage(page, 'wizard-test');
        // The issue exists in Jira, with what the wizard chose.
        const issue = [...s.emu.emulator.store.issues.values()].find((i) => i.key === key);
        assert.ok(issue, `${key} is in the emulator`);
        assert.ok(issue.labels.includes('alertsync-console'), `the new label: ${JSON.stringify(issue.labels)}`);
        assert.equal(issue.assigneeId, '712020:5f0c4a8e-2b6d-4c1e-9a37-1d2e3f4a5b6c');
        const saved = await s.svc.api('GET', `/api/destinations/${destinationId}`);
        assert.deepEqual(saved.body.statusMapping, SEC_MAPPING);
        assert.equal(saved.body.sync.status, width === 1280 ? 'two_way' : 'one_way');
        assert.deepEqual(saved.body.severities, ['HIGH', 'CRITICAL']);
        assert.equal(saved.body.manualDispatch, true);

        await page.getByRole('button', { name: 'Finish setup' }).click();
        await page.locator(`[data-destination-id="${destinationId}"]`).waitFor();
        await checkPage(page, 'destinations-health');

        // Editing: the token stays unless retyped.
        await page.getByRole('link', { name: `Edit ${name}` }).click();
        await page.getByLabel('Display name').fill(`${name} (edited)`);
        assert.equal(await page.getByLabel('Jira API token').inputValue(), '');
        await page.getByRole('button', { name: 'Continue' }).click();
        await page.getByRole('heading', { name: 'Configure Jira issue properties' }).waitFor();
        await page.getByRole('button', { name: 'Continue' }).click();
        await page.getByRole('button', { name: 'Save changes' }).click();
        await page.getByRole('heading', { name: 'Test and finish' }).waitFor();
        const edited = await s.svc.api('GET', `/api/destinations/${destinationId}`);
        assert.equal(edited.body.name, `${name} (edited)`);
        assert.equal(edited.body.hasApiToken, true);
        await page.getByRole('button', { name: 'Send Test Alert' }).click();
        await page.getByText(/Test alert created/).waitFor({ timeout: 20_000 });
      });
    }
  } finally {
    await s.close();
  }
});

test("a Jira error in the wizard: a wrong API token is refused with Jira's own message, and the wizard stays on its step", async () => {
  const s = await setup();
  try {
    await setPassword(s.svc, s.admin.id);
    await withPage(1280, async (p) => {
      const { page } = p;
      p.expect('/api/jira/lookup/issue-types', 502);
      await signIn(page, s.svc.url, s.admin.email, PASSWORD);
      await page.goto(s.svc.url + '/destinations/new');
      await page.getByLabel('Display name').fill('Wrong token');
      await page.getByLabel('Organization domain').fill(s.emu.url);
      await page.getByLabel('Project key').fill('SEC');
      await page.getByLabel('Email (of the Jira account)').fill(BOT.email);
      await page.getByLabel('Jira API token').fill('ATATT-not-the-token');
      await page.getByRole('button', { name: 'Continue' }).click();
      const error = page.getByRole('alert');
      await error.waitFor();
      // The emulator's (Jira Cloud's) plain-text 401 answer, passed on by the service.
      assert.match(await error.innerText(), /Client must be authenticated to access this resource/);
      await checkPage(page, 'wizard-jira-error');
      assert.equal(await page.getByRole('heading', { name: 'Destination', exact: true }).count(), 1, 'still on the first step');

      // An issue type the project does not have: the list Jira gave is named.
      await page.getByLabel('Jira API token').fill(BOT.apiToken);
      await page.getByLabel('Issue type').fill('Epic');
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByText('Project SEC has no issue type "Epic". It has: ').waitFor();
    });
  } finally {
    await s.close();
  }
});

/** An alert delivered to a destination of the emulator, opened on its page; returns its issue. */
async function deliveredAlert(s: Setup, page: Page, sync: 'one_way' | 'two_way') {
  const d = await s.svc.api('POST', '/api/destinations', {
    name: 'Security',
    domain: s.emu.url,
    issueType: 'Task',
    projectKey: 'SEC',
    email: BOT.email,
    apiToken: BOT.apiToken,
    manualDispatch: true,
    sync: { status: sync, assignee: sync, comments: sync },
    statusMapping: SEC_MAPPING,
  });
  assert.equal(d.status, 201, d.text);
  const a = await s.svc.api('POST', '/api/alerts', { title: 'Impossible travel for ada', severity: 'HIGH', type: 'RULE', runbook: 'Call the user.', context: { ips: ['10.0.0.1', '192.0.2.7'] } });
  const alertId = a.body.id as string;
  const issue = await waitFor('the issue', () => issuesForAlert(s.emu, alertId)[0]);
  await page.goto(`${s.svc.url}/alerts`);
  // The list shows the alert with its Jira key as a link to the issue.
  const row = page.locator(`[data-alert-id="${alertId}"]`);
  await row.getByRole('link', { name: issue.key }).waitFor({ timeout: 20_000 });
  await row.getByRole('link', { name: 'Impossible travel for ada' }).click();
  await page.getByRole('heading', { name: 'Jira issues and deliveries' }).waitFor();
  return { alertId, issue, destination: d.body };
}

test("an analyst changes status and assignee and comments in the console: all three reach the Jira issue", async () => {
  const s = await setup();
  try {
    for (const width of WIDTHS) {
      await withPage(width, async ({ page }) => {
        await signIn(page, s.svc.url, s.ada.email, PASSWORD);
        const { alertId, issue } = await deliveredAlert(s, page, 'one_way');
        await page.getByLabel('Status', { exact: true }).selectOption('TRIAGED');
        await page.getByLabel('Assignee', { exact: true }).selectOption({ label: 'Ada Analyst' });
        await page.getByLabel('Comment (Markdown)').fill(`Checked **both** IPs at ${width} px:\n\n- 10.0.0.1\n- 192.0.2.7`);
        await page.getByRole('button', { name: 'Preview' }).click();
        assert.equal(await page.getByLabel('Preview').locator('strong', { hasText: 'both' }).count(), 1, 'the preview renders Markdown');
        await page.getByRole('button', { name: 'Add comment' }).click();
        await page.locator('.comment').filter({ hasText: `at ${width} px` }).locator('li', { hasText: '192.0.2.7' }).waitFor();
        // The history names the console as the origin of each change.
        await page.locator('ol.history li', { hasText: 'TRIAGED' }).locator('.origin', { hasText: 'console' }).waitFor();
        await checkPage(page, 'alert-changed');

        await waitFor('the status in Jira', () => s.emu.emulator.store.statuses.get(issue.statusId)!.name === 'In Progress', 30_000);
        await waitFor('the assignee in Jira', () => issue.assigneeId === ADA_ACCOUNT, 30_000);
        await waitFor('the comment in Jira', () => issue.comments.some((c) => /Checked both IPs/.test(adfText(c.body)) && adfText(c.body).includes(`${width} px`)), 30_000);
        // The deliveries on the page show the sync jobs done.
        await page.locator('.job[data-job-state="done"]', { hasText: 'sync comment' }).first().waitFor({ timeout: 20_000 });
        const history = await s.svc.api('GET', `/api/alerts/${alertId}`);
        assert.ok((history.body.history as Array<{ origin: string }>).some((h) => h.origin === 'console'));
      });
      // The second width works on a fresh service state.
      await s.svc.api('DELETE', `/api/destinations/${(await s.svc.api('GET', '/api/destinations')).body.destinations[0].id}`);
    }
  } finally {
    await s.close();
  }
});

test("the alert page's deliveries: Jira's error on a failed sync, Retry once Jira is fixed, and manual dispatch", async () => {
  const s = await setup();
  try {
    const ops = await s.svc.api('POST', '/api/destinations', {
      name: 'Ops',
      domain: s.emu.url,
      issueType: 'Task',
      projectKey: 'OPS',
      email: BOT.email,
      apiToken: BOT.apiToken,
      sync: { status: 'one_way', assignee: 'off', comments: 'off' },
      statusMapping: { OPEN: 'To Do', TRIAGED: 'In Progress', RESOLVED: 'In Review', CLOSED: 'Closed' },
    });
    assert.equal(ops.status, 201, ops.text);
    // Only CRITICAL alerts are routed here; manual dispatch sends others.
    const sec = await s.svc.api('POST', '/api/destinations', { name: 'Security', domain: s.emu.url, issueType: 'Task', projectKey: 'SEC', email: BOT.email, apiToken: BOT.apiToken, severities: ['CRITICAL'], manualDispatch: true });
    assert.equal(sec.status, 201, sec.text);
    const a = await s.svc.api('POST', '/api/alerts', { title: 'Token used from a new country', severity: 'HIGH', type: 'RULE' });
    const issue = await waitFor('the OPS issue', () => issuesForAlert(s.emu, a.body.id)[0]);
    // A Jira admin removes the "Close" transition: the issue cannot reach Closed.
    const workflow = [...s.emu.emulator.store.projects.values()].find((p) => p.key === 'OPS')!.workflow;
    const transitions = workflow.transitions;
    workflow.transitions = transitions.filter((t) => t.name !== 'Close');
    await withPage(1280, async ({ page }) => {
      await signIn(page, s.svc.url, s.ada.email, PASSWORD);
      await page.goto(`${s.svc.url}/alerts/${a.body.id}`);
      await page.getByLabel('Status', { exact: true }).selectOption('CLOSED');
      const failed = page.locator('.job[data-job-state="failed"]', { hasText: 'sync status' });
      await failed.waitFor({ timeout: 30_000 });
      // Jira's refusal, in the service's words with the issue key, is on the page.
      assert.match(await failed.locator('.jira-error').innerText(), new RegExp(`cannot move ${issue.key} to "Closed"`));
      await checkPage(page, 'alert-delivery-failed');

      // The Jira admin puts the transition back; the analyst retries from the alert page.
      workflow.transitions = transitions;
      await failed.getByRole('button', { name: 'Retry' }).click();
      await waitFor('Closed in Jira', () => s.emu.emulator.store.statuses.get(issue.statusId)!.name === 'Closed', 30_000);
      await page.locator('.job[data-job-state="done"]', { hasText: 'sync status' }).waitFor({ timeout: 20_000 });

      // Manual dispatch to the destination that allows it (the only one offered).
      const options = await page.getByLabel('Send to destination').locator('option').allTextContents();
      assert.deepEqual(options, ['Choose…', 'Security']);
      await page.getByLabel('Send to destination').selectOption({ label: 'Security' });
      await page.getByRole('button', { name: 'Dispatch' }).click();
      await page.locator('.links a.issue-key', { hasText: /^SEC-\d+$/ }).waitFor({ timeout: 30_000 });
    });
    const keys = issuesForAlert(s.emu, a.body.id).map((i) => i.key.split('-')[0]).sort();
    assert.deepEqual(keys, ['OPS', 'SEC'], 'one issue per destination, in Jira');
  } finally {
    await s.close();
  }
});

test(
  'a change made in Jira by a Jira user shows on the alert page without a reload (two-way)',
  async () => {
    const s = await setup();
    try {
      await withPage(1280, async ({ page }) => {
        await signIn(page, s.svc.url, s.ada.email, PASSWORD);
        const { issue, destination } = await deliveredAlert(s, page, 'two_way');
        const hook = await jira(s.emu, 'POST', '/rest/webhooks/1.0/webhook', {
          name: 'alertsync',
          url: `${s.svc.url}/webhooks/jira/${destination.destination.id}`,
          secret: destination.webhook.secret,
          events: ['jira:issue_updated', 'comment_created', 'comment_updated', 'comment_deleted'],
          filters: { 'issue-related-events-section': 'project = SEC' },
        });
        assert.equal(hook.status, 201, hook.text);
        // Ada moves the issue to Done and comments, in Jira.
        const t = await jira(s.emu, 'POST', `/rest/api/3/issue/${issue.key}/transitions`, { transition: { id: '31' } });
        assert.equal(t.status, 204, t.text);
        const c = await jira(s.emu, 'POST', `/rest/api/3/issue/${issue.key}/comment`, { body: { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Vendor confirmed: a known VPN exit.' }] }] } });
        assert.equal(c.status, 201, c.text);
        // The open page polls: the status and the comment appear without a reload.
        await waitFor('the status from Jira on the page', async () => (await page.getByLabel('Status', { exact: true }).inputValue()) === 'RESOLVED', 30_000);
        await page.locator('.comment', { hasText: 'Vendor confirmed: a known VPN exit.' }).waitFor({ timeout: 30_000 });
        await page.locator('ol.history .origin', { hasText: 'Jira via Security' }).first().waitFor();
      });
    } finally {
      await s.close();
    }
  },
);

test('a viewer is offered no change: no status, assignee, comment, retry or dispatch control, no destination or user admin', async () => {
  const s = await setup();
  try {
    const a = await s.svc.api('POST', '/api/alerts', { title: 'Read-only look', severity: 'MEDIUM', type: 'POLICY' });
    await s.svc.api('POST', `/api/alerts/${a.body.id}/comments`, { body: 'Seen by the **admin**.' });
    for (const width of WIDTHS) {
      await withPage(width, async ({ page }) => {
        await signIn(page, s.svc.url, s.viewer.email, PASSWORD);
        await page.goto(`${s.svc.url}/alerts/${a.body.id}`);
        await page.getByRole('heading', { name: 'Read-only look' }).waitFor();
        await page.locator('.markdown strong', { hasText: 'admin' }).waitFor();
        assert.equal(await page.getByRole('combobox').count(), 0, 'no select on the alert page');
        assert.equal(await page.getByRole('textbox').count(), 0, 'no comment composer');
        assert.equal(await page.getByRole('button', { name: /Add comment|Retry|Dispatch/ }).count(), 0);
        await checkPage(page, 'alert-viewer');
        assert.equal(await page.getByRole('link', { name: 'Users', exact: true }).count(), 0, 'no Users page');
        await page.getByRole('link', { name: 'Destinations', exact: true }).click();
        await page.getByRole('heading', { name: 'Destinations' }).waitFor();
        assert.equal(await page.getByRole('link', { name: 'New destination' }).count(), 0);
        await page.goto(`${s.svc.url}/destinations/new`);
        await page.getByRole('heading', { name: 'Not found' }).waitFor();
        await page.goto(`${s.svc.url}/users`);
        await page.getByRole('heading', { name: 'Not found' }).waitFor();
      });
    }
    // And the service refuses a viewer's change made with its session anyway.
    const signInRes = await fetch(`${s.svc.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: s.viewer.email, password: PASSWORD }) });
    const cookie = signInRes.headers.get('set-cookie')!.split(';')[0]!;
    const { csrfToken } = (await signInRes.json()) as { csrfToken: string };
    const change = await fetch(`${s.svc.url}/api/alerts/${a.body.id}/status`, { method: 'PUT', headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' }, body: JSON.stringify({ status: 'CLOSED' }) });
    assert.equal(change.status, 403);
  } finally {
    await s.close();
  }
});
