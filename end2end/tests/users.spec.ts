import { expect, test, type Browser, type TestInfo } from '@playwright/test';
import { demo, expectAccessible, jsOn, path, ready, signIn } from './support';

// Each project changes its own demo users, so parallel runs never race on one account.
const pick = (info: TestInfo, choices: Record<string, string>) => choices[info.project.name] ?? choices.desktop;

/** Signs `local` in, in a browser context of its own (another person on another machine). */
async function otherPerson(browser: Browser, info: TestInfo, local: string) {
  const context = await browser.newContext({ javaScriptEnabled: jsOn(info) });
  const page = await context.newPage();
  await signIn(page, info, local);
  return { context, page };
}

async function search(page: import('@playwright/test').Page, info: TestInfo, text: string) {
  const box = page.getByLabel('Search Firstname, Lastname, Email, ODS Code or Organisation');
  // With JavaScript the table follows the box as you type, in place: this page is not reloaded.
  if (jsOn(info)) await page.evaluate(() => document.body.setAttribute('data-before-search', 'yes'));
  await box.fill(text);
  if (!jsOn(info)) {
    await page.getByRole('button', { name: 'Search' }).click();
  }
  // Either way the URL is bookmarkable.
  await expect(page).toHaveURL((u) => u.pathname === '/users' && u.searchParams.get('q') === text);
  await ready(page, info);
  if (jsOn(info)) {
    await expect(page.locator('body')).toHaveAttribute('data-before-search', 'yes');
    await expect(box).toBeFocused();
    // What was found is said through the one live element that stays on the page.
    await expect(page.locator('#user-results-announcer')).toHaveText(/^(1 user|\d+ users|No users match\.)$/);
  }
}

test('an administrator finds a user by each of the five fields and views them', async ({ page }, info) => {
  await signIn(page, info, 'account.admin');
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await ready(page, info);
  await page.getByRole('link', { name: 'Users', exact: true }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/users');
  await ready(page, info);
  await expectAccessible(page);
  // A practice has more than ten people once the other specs have run: show 50 a page.
  await page.getByLabel('Results per page').selectOption('50');
  if (!jsOn(info)) {
    await page.getByRole('button', { name: 'Search' }).click();
  }
  await expect(page).toHaveURL((u) => u.searchParams.get('size') === '50');
  await ready(page, info);
  for (const text of ['Priya', 'provider', 'provider.user@', 'A81001', 'The Densham']) {
    await search(page, info, text);
    await expect(page.getByRole('row').filter({ hasText: demo('provider.user') })).toHaveCount(1);
  }
  await search(page, info, 'nobody-by-this-name');
  await expect(page.locator('#user-results').getByText('No users match.')).toBeVisible();
  await search(page, info, 'Priya');
  // Each person's organisation, role and the date they were added, as the job aid's list has.
  const priya = page.getByRole('row').filter({ hasText: demo('provider.user') });
  await expect(priya).toContainText('The Densham Surgery (A81001)');
  await expect(priya).toContainText('Provider User, Approved');
  await expect(priya).toContainText(/\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}/);
  // The people found, with every role of theirs in the area, download as CSV.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: "Download these users' roles in your area as CSV" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('gatehouse-users.csv');
  const lines = (await (await import('node:fs/promises')).readFile(await download.path(), 'utf8')).trim().split('\n');
  expect(lines[0]).toBe('Last name,First name,Email,Account,Added (UTC),Last signed in (UTC),Dormant,Organisation code,Organisation,Role,Role status,Role since (UTC)');
  expect(lines.slice(1).filter((l) => l.includes(demo('provider.user')))).toEqual([
    expect.stringContaining(',A81001,The Densham Surgery,Provider User,Approved,'),
  ]);
  // Someone with no sign-in for 90 days is marked Dormant; Priya, who signs in, is not.
  await expect(priya).not.toContainText('Dormant:');
  await search(page, info, 'dormant@');
  await expect(page.getByRole('row').filter({ hasText: demo('dormant') })).toContainText('Dormant: never signed in');
  await search(page, info, 'Priya');
  await priya.getByRole('link', { name: /View/ }).click();
  await expect(page).toHaveURL((u) => /^\/users\/\d+$/.test(u.pathname));
  await ready(page, info);
  await expect(page.getByRole('heading', { name: 'Priya Provider' })).toBeVisible();
  // The page is titled with the person's name, not "User".
  await expect(page).toHaveTitle('Priya Provider - Gatehouse');
  await expect(page.getByRole('row').filter({ hasText: 'The Densham Surgery (A81001)' })).toContainText('Provider User');
  await expect(page.getByRole('link', { name: 'Revoke' })).toBeVisible();
  await expect(page.getByLabel('Enabled', { exact: true })).toBeChecked();
  await expect(page.getByRole('link', { name: 'Add Organisation' })).toBeVisible();
  await expectAccessible(page);
});

test('revoke takes the role away on the user’s next request, mid-session', async ({ page, browser }, info) => {
  const target = pick(info, { desktop: 'achievement.entry', mobile: 'service.management', 'no-js': 'declaration.management' });
  const them = await otherPerson(browser, info, target);
  await expect(them.page).toHaveURL((u) => u.pathname === '/');

  await signIn(page, info, 'account.admin');
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await page.goto(`/users?q=${encodeURIComponent(demo(target))}`);
  await ready(page, info);
  await page.getByRole('row').filter({ hasText: demo(target) }).getByRole('link', { name: /View/ }).click();
  await ready(page, info);
  await page.getByRole('link', { name: 'Revoke' }).click();
  await expect(page).toHaveURL((u) => u.pathname.endsWith('/revoke'));
  await ready(page, info);
  await expectAccessible(page);
  await expect(page.getByLabel('The Densham Surgery (A81001)')).toBeChecked();
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByText('Access has been revoked.')).toBeVisible();
  await ready(page, info);
  await expect(page.getByRole('row').filter({ hasText: 'A81001' })).toContainText('Revoked');
  await expectAccessible(page);

  // Their very next request finds no role: only My Profile is left to them.
  await them.page.goto('/');
  await expect(them.page).toHaveURL((u) => u.pathname === '/my-profile');
  await expect(them.page.getByText('You do not have a role at any organisation at the moment.')).toBeVisible();
  await them.context.close();
});

test('disable needs a reason of at most 250 characters; enable gives access back', async ({ page, browser }, info) => {
  test.slow(); // two browsers, three refused forms, a disable, an enable and two sign-ins, each scanned
  const target = pick(info, { desktop: 'finance.view', mobile: 'commissioning.management', 'no-js': 'approval.management' });
  await signIn(page, info, 'account.admin');
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await page.goto(`/users?q=${encodeURIComponent(demo(target))}`);
  await ready(page, info);
  await page.getByRole('row').filter({ hasText: demo(target) }).getByRole('link', { name: /View/ }).click();
  await ready(page, info);
  const userPage = path(page);
  // The blue Disable Account button people were trained on leads to the same reason-and-Confirm
  // page as the Enabled/Disabled radio (walked in staff.spec.ts).
  await expect(page.getByRole('link', { name: 'Enable Account' })).toHaveCount(0);
  await page.getByRole('link', { name: 'Disable Account' }).click();
  await expect(page).toHaveURL((u) => u.pathname === `${userPage}/disable`);
  await ready(page, info);
  await expectAccessible(page);

  await page.getByLabel('Other', { exact: true }).check();
  await page.getByLabel('If Other, the reason').fill('x'.repeat(251));
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByRole('alert')).toContainText('Reason must be 250 characters or fewer');
  await ready(page, info);
  await expect(page.locator('#other_reason-error')).toContainText('Reason must be 250 characters or fewer');
  await expectAccessible(page);

  await page.getByLabel('Other', { exact: true }).check();
  await page.getByLabel('If Other, the reason').fill('y'.repeat(250));
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByText('The account has been disabled.')).toBeVisible();
  await ready(page, info);
  await expect(page.locator('.nhsuk-summary-list').getByText('Disabled', { exact: true })).toBeVisible();

  const refused = await browser.newContext({ javaScriptEnabled: jsOn(info) });
  const tryPage = await refused.newPage();
  // A wrong password learns nothing; the owner's own password is told the account is disabled,
  // with how to reach the Service Desk.
  await signIn(tryPage, info, target, 'Wrong-Passw0rd-1!');
  await expect(tryPage.getByRole('alert')).toContainText('Email address or password not recognised');
  await signIn(tryPage, info, target);
  await expect(tryPage.getByRole('alert')).toContainText('Your account has been disabled. Contact the Service Desk to enable it again.');
  await expect(tryPage.getByRole('heading', { name: 'Contact the Service Desk' })).toBeVisible();
  await expect(tryPage).toHaveURL((u) => u.pathname === '/sign-in');
  await ready(tryPage, info);
  await expectAccessible(tryPage);

  await expect(page.getByRole('link', { name: 'Disable Account' })).toHaveCount(0);
  await page.getByRole('link', { name: 'Enable Account' }).click();
  await expect(page).toHaveURL((u) => u.pathname === `${userPage}/enable`);
  await ready(page, info);
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByText('The account has been enabled.')).toBeVisible();

  await signIn(tryPage, info, target);
  await expect(tryPage).toHaveURL((u) => u.pathname === '/');
  await refused.close();
});

test('a user disables their own account from My Profile', async ({ page }, info) => {
  const me = pick(info, { desktop: 'finance.management', mobile: 'supervisor', 'no-js': 'finance' });
  await signIn(page, info, me);
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await page.goto('/my-profile');
  await ready(page, info);
  await page.getByRole('link', { name: 'Disable Account' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/my-profile/disable');
  await ready(page, info);
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Disable Account' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/my-profile/disable/confirm');
  await ready(page, info);
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Confirm Disable' }).click();
  await expect(page.getByRole('heading', { name: 'You do not have permission to view this page' })).toBeVisible();
  await ready(page, info);
  await expectAccessible(page);
  await page.goto('/');
  await expect(page).toHaveURL((u) => u.pathname === '/sign-in');
  await signIn(page, info, me);
  await expect(page.getByRole('alert')).toContainText('Your account has been disabled.');
});

test('a practice’s user administrator sees only the people of their practice', async ({ page }, info) => {
  await signIn(page, info, 'user.admin');
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await page.goto('/users?q=Alex');
  await ready(page, info);
  await expect(page.locator('#user-results').getByText('No users match.')).toBeVisible();
  await page.goto('/users/1');
  await ready(page, info);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Revoke' })).toHaveCount(0);
  await expectAccessible(page);
});

test('the audit trail shows the area’s events and downloads as CSV', async ({ page }, info) => {
  await signIn(page, info, 'account.admin');
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await ready(page, info);
  await page.getByRole('link', { name: 'Audit', exact: true }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/audit');
  await ready(page, info);
  await page.getByLabel('Action').selectOption({ label: 'Signed in' });
  await page.getByLabel("User's email address (or its start)").fill('account.admin@');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL((u) => u.searchParams.get('action') === 'sign_in');
  await ready(page, info);
  const first = page.getByRole('row').filter({ hasText: 'Signed in' }).first();
  await expect(first).toContainText(demo('account.admin'));
  // UK local time, in words: "4 December 2026, 5:39am".
  await expect(first).toContainText(/\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}, \d{1,2}:\d\d(am|pm)/);
  await expectAccessible(page);
  // The NHS.UK date boxes: from tomorrow there is nothing yet.
  const tomorrow = new Date(Date.now() + 36 * 3600 * 1000);
  const from = page.getByRole('group', { name: 'From' });
  await from.getByLabel('Day').fill(String(tomorrow.getUTCDate()));
  await from.getByLabel('Month').fill(String(tomorrow.getUTCMonth() + 1));
  await from.getByLabel('Year').fill(String(tomorrow.getUTCFullYear()));
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL((u) => u.searchParams.get('from_year') === String(tomorrow.getUTCFullYear()));
  await ready(page, info);
  await expect(page.getByText('No events match.')).toBeVisible();
  await expectAccessible(page);
  await from.getByLabel('Day').fill('');
  await from.getByLabel('Month').fill('');
  await from.getByLabel('Year').fill('');
  await page.getByRole('button', { name: 'Filter' }).click();
  await ready(page, info);
  await expect(page.getByRole('row').filter({ hasText: 'Signed in' }).first()).toBeVisible();
  const href = await page.getByRole('link', { name: 'Download these events as CSV' }).getAttribute('href');
  expect(href).toContain('action=sign_in');
  const csv = await page.request.get(href ?? '');
  expect(csv.headers()['content-type']).toContain('text/csv');
  const lines = (await csv.text()).trim().split('\n');
  expect(lines[0]).toBe('When (UTC),Actor,Acting as,Action,Target user,Organisation code,Organisation,Reason,From');
  expect(lines.length).toBeGreaterThan(1);
  expect(lines[1]).toContain('Signed in');
});

test('an administrator’s own record offers no Revoke or Disable, and says where to go instead', async ({ page }, info) => {
  await signIn(page, info, 'account.admin');
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await ready(page, info);
  await page.goto('/users');
  await ready(page, info);
  await search(page, info, demo('account.admin'));
  await page.getByRole('link', { name: 'View Alex Admin' }).click();
  await expect(page).toHaveURL((u) => /^\/users\/\d+$/.test(u.pathname));
  await ready(page, info);
  await expect(page.getByText('This is your own account.')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Revoke', exact: true })).toHaveCount(0);
  await expect(page.getByRole('link', { name: /^Remove Organisation/ })).toHaveCount(0);
  await expect(page.getByRole('group', { name: 'Gatehouse access' })).toHaveCount(0);
  await expectAccessible(page);

  // Typed in by hand, the Revoke page says why not and where to go.
  await page.goto(`${path(page)}/revoke`);
  await ready(page, info);
  await expect(page.getByRole('heading', { name: 'You cannot change your own access here' })).toBeVisible();
  await page.getByRole('link', { name: 'Disable Account' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/my-profile/disable');
  await ready(page, info);
  await expectAccessible(page);
});
