// Issue #13: the built console adds less than 400 KB of compressed JavaScript to the first page load.
// Measured in Chromium on the real service: every script the browser fetches from loading the
// console to the signed-in landing page (the overview with its charts), each gzip-compressed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { startTestService } from '../support/service.js';
import { ensureConsoleBuilt, launchBrowser, signIn } from './browser.js';

const LIMIT_BYTES = 400 * 1024;
const PASSWORD = 'correct horse battery staple';

test('first load: the scripts of the console, gzip-compressed, stay under 400 KB', async () => {
  ensureConsoleBuilt();
  const svc = await startTestService('sqlite');
  const browser = await launchBrowser();
  try {
    const me = (await svc.api('GET', '/api/users/me')).body as { id: string; email: string };
    const invite = await svc.api('POST', `/api/users/${me.id}/invites`);
    const token = new URL(invite.body.url as string).pathname.split('/').pop()!;
    assert.equal((await svc.api('POST', `/api/invites/${token}`, { password: PASSWORD }, null)).status, 204);

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const scripts = new Map<string, number>();
    page.on('response', async (res) => {
      const type = res.headers()['content-type'] ?? '';
      if (res.request().resourceType() === 'script' || type.includes('javascript')) {
        const body = await res.body().catch(() => null);
        if (body) scripts.set(res.url(), gzipSync(body, { level: 9 }).length);
      }
    });
    await signIn(page, svc.url, me.email, PASSWORD);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.waitForLoadState('networkidle');
    const total = [...scripts.values()].reduce((a, b) => a + b, 0);
    const lines = [...scripts].map(([url, n]) => `  ${new URL(url).pathname} ${(n / 1024).toFixed(1)} KB`);
    console.log(`first load: ${scripts.size} scripts, ${(total / 1024).toFixed(1)} KB gzip (limit ${LIMIT_BYTES / 1024} KB)\n${lines.join('\n')}`);
    assert.ok(scripts.size >= 2, 'the entry script and the overview chunk were fetched');
    assert.ok(total < LIMIT_BYTES, `${total} bytes of compressed JavaScript on the first load`);
    await context.close();
  } finally {
    await browser.close();
    await svc.close();
  }
});
