import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { expect, test, type Page } from '@playwright/test';
import { demo, expectAccessible, jsOn, PASSWORD, path, ready, signIn } from './support';

/**
 * Ages this browser's session on the server as if nothing had happened for `seconds`, through
 * the demo database (the sqlite3 command-line shell: scripts/test.sh installs it). Only this
 * session's row changes, so tests running beside this one keep theirs.
 */
async function idleFor(page: Page, seconds: number) {
  const cookie = (await page.context().cookies()).find((c) => c.name === 'gatehouse_session');
  if (!cookie) throw new Error('not signed in');
  const hash = createHash('sha256').update(cookie.value).digest('hex');
  execFileSync('sqlite3', [
    '-cmd',
    '.timeout 10000',
    '.state/e2e.db',
    `UPDATE sessions SET last_seen_at = last_seen_at - ${seconds} WHERE id_hash = '${hash}'`,
  ]);
}

async function fillSignIn(page: Page, local: string) {
  await page.getByLabel('Email address').fill(demo(local));
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('sign in returns to the page that was asked for, and never to another site', async ({ page }, info) => {
  // The reviewers' emailed link, opened signed out.
  await page.goto('/pending-actions');
  await expect(page).toHaveURL((u) => u.pathname === '/sign-in' && u.searchParams.get('next') === '/pending-actions');
  await ready(page, info);
  await expectAccessible(page);
  await fillSignIn(page, 'account.admin');
  await expect(page).toHaveURL((u) => u.pathname === '/pending-actions');
  await ready(page, info);
  await expect(page.getByRole('heading', { level: 1, name: 'Pending Actions' })).toBeVisible();

  // A commissioner with two roles chooses one first, then carries on to the page.
  const other = await page.context().browser()!.newContext({ javaScriptEnabled: jsOn(info) });
  const second = await other.newPage();
  await second.goto('/users?q=staff');
  await expect(second).toHaveURL((u) => u.pathname === '/sign-in');
  await ready(second, info);
  await fillSignIn(second, 'admin.commissioner');
  await expect(second).toHaveURL((u) => u.pathname === '/select-account');
  await ready(second, info);
  await second.getByRole('button', { name: /Commissioning Account Administrator/ }).click();
  await expect(second).toHaveURL((u) => u.pathname === '/users' && u.searchParams.get('q') === 'staff');
  await other.close();

  // A link that names another site signs in to Home instead.
  const third = await page.context().browser()!.newContext({ javaScriptEnabled: jsOn(info) });
  const evil = await third.newPage();
  await evil.goto('/sign-in?next=https%3A%2F%2Fevil.example%2F');
  await ready(evil, info);
  await fillSignIn(evil, 'provider.user');
  await expect(evil).toHaveURL((u) => u.pathname === '/' && u.host !== 'evil.example');
  await third.close();
});

test('a form sent after the idle time-out goes to Sign in, which says why and returns to the form', async ({ page }, info) => {
  await signIn(page, info, 'provider.user');
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await page.goto('/my-profile/details/change-password');
  await ready(page, info);
  await page.getByLabel('Current password').fill(PASSWORD);
  await idleFor(page, 31 * 60);
  await page.getByRole('button', { name: 'Update Password' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/sign-in' && u.searchParams.get('inactive') === '1');
  await ready(page, info);
  await expect(page.getByText('You were signed out because you were inactive')).toBeVisible();
  await expectAccessible(page);
  await fillSignIn(page, 'provider.user');
  await expect(page).toHaveURL((u) => u.pathname === '/my-profile/details/change-password');
  await ready(page, info);
  await expect(page.getByLabel('Current password')).toBeVisible();
});

test('before the idle time-out the page warns, and "Stay signed in" keeps the session', async ({ page }, info) => {
  if (!jsOn(info)) {
    // Without JavaScript nothing can count down: every page says when the session will end.
    await signIn(page, info, 'provider.user');
    await expect(page).toHaveURL((u) => u.pathname === '/');
    await expect(page.getByText(/For your security, you will be signed out at \d{1,2}:\d\d(am|pm) if you do nothing/)).toBeVisible();
    await expect(page.getByRole('alertdialog')).toHaveCount(0);
    return;
  }
  await page.clock.install();
  await signIn(page, info, 'provider.user');
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await ready(page, info);
  await expect(page.getByText(/you will be signed out at/)).toBeHidden();
  const warning = page.getByRole('alertdialog', { name: "You're about to be signed out" });
  await expect(warning).toBeHidden();
  await page.clock.fastForward('27:00');
  await expect(warning).toBeHidden();
  await page.clock.fastForward('01:10');
  await expect(warning).toBeVisible();
  await expect(warning).toContainText('we will sign you out in 2 minutes');
  await expect(page.locator('#gh-timeout-title')).toBeFocused();
  await expectAccessible(page);

  await warning.getByRole('button', { name: 'Stay signed in' }).click();
  await expect(warning).toBeHidden();
  // The server gave the session its whole idle time again: the warning is 28 minutes away.
  await page.clock.fastForward('27:00');
  await expect(warning).toBeHidden();
  await page.clock.fastForward('01:10');
  await expect(warning).toBeVisible();

  // Nothing more: the page signs out and Sign in says why, ready to come back here.
  await page.clock.fastForward('02:05');
  await expect(page).toHaveURL((u) => u.pathname === '/sign-in' && u.searchParams.get('inactive') === '1');
  await expect(page.getByText('You were signed out because you were inactive')).toBeVisible();
  await page.goto('/my-account');
  expect(path(page)).toBe('/sign-in');
});
