// Shared pieces of the console's end-to-end tests: the built console (built here when web/ changed),
// Debian's Chromium driven by playwright-core (never a downloaded browser), pages that record every
// browser console error, axe-core checks and screenshots.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CHROMIUM = process.env.ALERTSYNC_TEST_CHROMIUM ?? '/usr/bin/chromium';
export const WIDTHS = [1280, 390] as const;
const SHOTS = join(ROOT, 'docs', 'screenshots');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    newest = Math.max(newest, s.isDirectory() ? newestMtime(p) : s.mtimeMs);
  }
  return newest;
}

/** Builds web/dist (vite build) unless it is newer than every file of web/src, web/public, web/index.html and the Vite config. */
export function ensureConsoleBuilt(): void {
  const index = join(ROOT, 'web', 'dist', 'index.html');
  const sources = Math.max(newestMtime(join(ROOT, 'web', 'src')), newestMtime(join(ROOT, 'web', 'public')), statSync(join(ROOT, 'web', 'index.html')).mtimeMs, statSync(join(ROOT, 'web', 'vite.config.ts')).mtimeMs);
  if (existsSync(index) && statSync(index).mtimeMs > sources) return;
  // Two test files may get here at once: one builds, the other waits for its lock to go.
  const lock = join(ROOT, '.tmp', 'web-build.lock');
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  try {
    mkdirSync(lock);
  } catch {
    const until = Date.now() + 180_000;
    while (existsSync(lock) && Date.now() < until) execFileSync('sleep', ['0.5']);
    return;
  }
  try {
    execFileSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', 'web', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  } finally {
    rmdirSync(lock);
  }
}

export async function launchBrowser(): Promise<Browser> {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: install Debian's chromium package (.ci/run does)`);
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

export interface WatchedPage {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions seen so far (the expected ones left out). */
  errors: string[];
  /** A network failure the test provokes on purpose (e.g. a 401 before sign-in, Jira's 502): not an error. */
  expect(urlPart: string, status: number): void;
  close(): Promise<void>;
}

export async function openPage(browser: Browser, width: number): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  const expected: Array<{ urlPart: string; status: number }> = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    const url = msg.location().url ?? '';
    // Chromium logs every 4xx/5xx answer as "Failed to load resource"; the ones a test provokes are expected.
    const status = /status of (\d{3})/.exec(text)?.[1];
    if (status && expected.some((e) => url.includes(e.urlPart) && Number(status) === e.status)) return;
    errors.push(`${text} (${url})`);
  });
  page.on('pageerror', (err) => errors.push(`uncaught: ${err.message}`));
  return {
    context,
    page,
    errors,
    expect: (urlPart, status) => expected.push({ urlPart, status }),
    close: () => context.close(),
  };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe-core on the page; fails on any serious or critical violation. */
export async function assertAccessible(page: Page, what: string): Promise<void> {
  // Evaluated through the DevTools protocol: not an inline script, so the service's CSP stays on.
  await page.evaluate(axeSource);
  // Page code as a string: the tests are type-checked without the DOM library.
  const violations = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) =>
    r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)) })))`)) as Array<{ id: string; impact: string | null; help: string; targets: string[] }>;
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad, [], `${what}: serious or critical accessibility violations`);
}

/** Fails when the page scrolls sideways (tables scroll inside their own box instead). */
export async function assertFitsWidth(page: Page, what: string): Promise<void> {
  const { scroll, inner } = (await page.evaluate('({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth })')) as { scroll: number; inner: number };
  assert.ok(scroll <= inner, `${what}: the page is ${scroll} px wide in a ${inner} px window`);
}

/** The checks every main page gets at each width: axe, no sideways scroll, a screenshot in docs/screenshots/. */
export async function checkPage(page: Page, name: string): Promise<void> {
  const width = page.viewportSize()!.width;
  await assertAccessible(page, `${name} at ${width} px`);
  await assertFitsWidth(page, `${name} at ${width} px`);
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}-${width}.png`), fullPage: width !== 390 });
}

export async function signIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(baseUrl + '/');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}
