import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import nodePath from 'node:path';
import { expect, test, type Browser, type Page, type TestInfo } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

export const PASSWORD = 'Gatehouse-Demo-2026!';
export const demo = (local: string) => `${local}@demo.gatehouse.example`;

export const jsOn = (info: TestInfo) => info.project.name !== 'no-js';

/**
 * The documents a page has loaded, with the header that decides whether their scripts may run:
 * when a page never hydrates, the report says what the server sent.
 */
const documents = new WeakMap<Page, string[]>();
export function watch(page: Page) {
  if (documents.has(page)) return;
  const seen: string[] = [];
  documents.set(page, seen);
  page.on('response', (r) => {
    if (!r.request().isNavigationRequest()) return;
    const policy = r.headers()['content-security-policy'] ?? 'none';
    seen.push(`${r.status()} ${r.url()} CSP: ${policy.slice(0, 90)}`);
    if (seen.length > 10) seen.shift();
  });
}

/** Waits until the page is usable the way this project's user would use it. */
export async function ready(page: Page, info: TestInfo) {
  watch(page);
  await page.waitForLoadState('load');
  if (jsOn(info)) {
    try {
      await page.locator('body[data-hydrated="true"]').waitFor({ timeout: 30_000 });
    } catch (e) {
      // A page that never hydrates has failed; say what the browser saw, so the cause is in the
      // report rather than a bare time-out: its errors, and whether the WASM ever arrived.
      const seen = await page
        .evaluate(() => ({
          readyState: document.readyState,
          pkg: performance
            .getEntriesByType('resource')
            .filter((r) => r.name.includes('/pkg/'))
            .map((r) => {
              const t = r as PerformanceResourceTiming;
              return `${t.name} ${Math.round(t.duration)} ms, ${t.transferSize} bytes, status ${t.responseStatus}`;
            }),
        }))
        .catch((err) => String(err));
      const errors = (await page.pageErrors()).map(String);
      const console = (await page.consoleMessages()).map((m) => `${m.type()}: ${m.text()}`);
      const responses = documents.get(page);
      throw new Error(
        `${page.url()} never hydrated: ${JSON.stringify({ responses, seen, errors, console }, null, 2)}\n${e}`,
      );
    }
  }
}

/**
 * axe checks every rule either way; this only spares it building selectors and details for the
 * passes and inapplicable rules nobody reads. A new object each time, set before the tags:
 * AxeBuilder's `options` replaces what `withTags` wrote, and `withTags` writes into it.
 */
const violationsOnly = () => ({ resultTypes: ['violations' as const] });

/**
 * The no-JS project's scanning page: one per browser (so one per worker), kept for the run. Its
 * scripts may run, for axe, but the hydration bundle is blocked, and it never asks the server
 * for a document: each scan is given the no-JS page's own document, so what is scanned is
 * exactly what the no-JS user has, a form's error page included. A context and a page made
 * afresh for every scan, and the document fetched again, doubled the cost of each no-JS scan.
 */
const twins = new WeakMap<Browser, Promise<Page>>();
function twinFor(browser: Browser): Promise<Page> {
  let twin = twins.get(browser);
  if (!twin) {
    twin = (async () => {
      const context = await browser.newContext({ javaScriptEnabled: true });
      await context.route('**/pkg/**', (route) => route.abort());
      return context.newPage();
    })();
    twins.set(browser, twin);
  }
  return twin;
}

/**
 * Every page a test visits is scanned for WCAG 2.2 AA violations, once it has loaded. A form
 * posted without a hydrated island is a whole new document: its text can be found before its
 * stylesheet has loaded, and axe measuring an unstyled page saw a 21 px "Submit" button
 * (target-size) on a loaded machine. axe runs as JavaScript, so on the no-JS project the page's
 * document is scanned in its twin (above).
 */
export async function expectAccessible(page: Page) {
  const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
  const report = (violations: { id: string; help: string; nodes: { target: unknown; failureSummary?: string }[] }[]) =>
    violations.map(
      (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => `${String(n.target)}: ${n.failureSummary ?? ''}`).join('; ')})`,
    );
  await page.waitForLoadState('load');
  let scanned = page;
  if (!jsOn(test.info())) {
    const browser = page.context().browser();
    if (!browser) throw new Error('no browser to scan the no-JS page with');
    scanned = await twinFor(browser);
    const viewport = page.viewportSize();
    if (viewport) await scanned.setViewportSize(viewport);
    const url = page.url().split('#')[0];
    const html = await page.content();
    await scanned.route(url, (route) => route.fulfill({ body: html, contentType: 'text/html; charset=utf-8' }), { times: 1 });
    await scanned.goto(url);
  }
  const results = await new AxeBuilder({ page: scanned }).options(violationsOnly()).withTags(tags).analyze();
  expect(report(results.violations)).toEqual([]);
}

export async function signIn(page: Page, info: TestInfo, local: string, password = PASSWORD) {
  watch(page);
  await page.goto('/sign-in');
  await ready(page, info);
  await page.getByLabel('Email address').fill(demo(local));
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** The path part of the current URL (a no-JS post comes back with a trailing `?`). */
export function path(page: Page) {
  return new URL(page.url()).pathname;
}

export async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/sign-in');
}

/**
 * The Service Desk reads the outbox (no SMTP in the test run): the first link of the one email
 * to `to` whose text has `subject`, which must lead to `path`.
 */
export async function linkInOutbox(page: Page, info: TestInfo, to: string, subject: string, path: string) {
  await signIn(page, info, 'service.desk');
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await page.goto('/outbox');
  await ready(page, info);
  const mail = page.locator('.gh-outbox__item').filter({ hasText: to }).filter({ hasText: subject });
  await expect(mail).toHaveCount(1);
  const href = await mail.getByRole('link').first().getAttribute('href');
  await signOut(page);
  expect(href).toContain(path);
  return href!;
}

/** The extracts the demo itself was built from (one ICB, QHM). */
const demoData = (file: string) => nodePath.join(__dirname, '..', '..', 'server', 'demo-data', file);

/**
 * Chooses a file as a person would: with JavaScript the NHS.UK file upload is a button that opens
 * the browser's file chooser; without it, the plain file input.
 */
async function chooseFile(page: Page, info: TestInfo, label: string, file: string) {
  const field = page.getByLabel(label, { exact: true });
  if (!jsOn(info)) {
    await field.setInputFiles(file);
    return;
  }
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), field.click()]);
  await chooser.setFiles(file);
  await expect(field).toContainText(nodePath.basename(file));
}

/**
 * On the Service Desk's upload page: chooses the three QHM extracts and uploads them. When another
 * project's import is running, waits and uploads again, as a person would.
 */
export async function uploadExtracts(page: Page, info: TestInfo, dryRun = false) {
  for (let attempt = 0; attempt < 40; attempt++) {
    await chooseFile(page, info, 'ICB list', demoData('icb.csv'));
    await chooseFile(page, info, 'Commissioners', demoData('eccg-qhm.csv'));
    await chooseFile(page, info, 'GP practices', demoData('epraccur-qhm.csv'));
    await page.getByLabel('Only one ICB (optional)').fill('QHM');
    if (dryRun) await page.getByLabel('Dry run').check();
    await page.getByRole('button', { name: 'Upload and import' }).click();
    await page.waitForURL((u) => u.pathname !== '/organisations/import' || u.searchParams.has('error'));
    await ready(page, info);
    if (new URL(page.url()).pathname.startsWith('/organisations/import/')) return;
    await expect(page.getByRole('alert')).toContainText('Another import is running');
    await page.waitForTimeout(500);
  }
  throw new Error('the upload was never accepted');
}

/**
 * The code an authenticator app with `secret` (base32) shows `ahead` 30-second steps from now
 * (RFC 6238: HMAC-SHA-1, 6 digits), as a test's phone would.
 */
export function totp(secret: string, ahead = 0): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/[\s=]/g, '').toUpperCase()) {
    bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  }
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((b) => parseInt(b, 2)));
  const step = Math.floor(Date.now() / 1000 / 30) + ahead;
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 15;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return value.toString().padStart(6, '0');
}

/**
 * A person of this test and this project alone, on the main server's database, with the demo
 * password and one active role: for a flow that must not meet another test's doings to a shared
 * demo user (one disables `finance`, for instance).
 */
export function ownUser(info: TestInfo, name: string, role: string, org: string): string {
  const email = `${name}.${info.project.name.replace(/[^a-z]/g, '')}@example.nhs.uk`;
  execFileSync('sqlite3', ['-cmd', '.timeout 10000', '.state/e2e.db', `
    INSERT INTO users (email, first_name, last_name, status, password_hash, created_at)
      SELECT '${email}', 'Cara', 'Claims', 'active', password_hash, CAST(strftime('%s', 'now') AS INTEGER)
      FROM users WHERE email = '${demo('finance')}';
    INSERT INTO role_assignments (user_id, organisation_id, role_id, status, created_at, origin)
      SELECT u.id, o.id, r.id, 'active', u.created_at, 'admin' FROM users u, organisations o, roles r
      WHERE u.email = '${email}' AND o.code = '${org}' AND r.name = '${role}';`]);
  return email;
}
