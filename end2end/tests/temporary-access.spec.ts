import { execFileSync } from 'node:child_process';
import { expect, test, type Page } from '@playwright/test';
import { demo, expectAccessible, jsOn, linkInOutbox, path, ready, signIn, signOut } from './support';

// Each project gives its own covering member of staff an end date, so parallel runs never end
// another's role.
const covers: Record<string, string> = { desktop: 'cover.one', mobile: 'cover.two', 'no-js': 'cover.three' };

/** A UK date `days` from today, as the date boxes take it (day, month, year). */
function ukDate(days: number): [string, string, string] {
  const d = new Date(Date.now() + days * 24 * 3600 * 1000);
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'numeric', year: 'numeric' })
    .formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return [get('day'), get('month'), get('year')];
}

async function fillEnd(page: Page, [day, month, year]: [string, string, string]) {
  const group = page.getByRole('group', { name: 'Access ends on' });
  await group.getByLabel('Day').fill(day);
  await group.getByLabel('Month').fill(month);
  await group.getByLabel('Year').fill(year);
  await page.getByRole('button', { name: 'Save' }).click();
}

/**
 * Brings the end of `local`'s active roles into the past, through the demo database (no control
 * in the product moves a clock), as if their last day had passed.
 */
function endHasPassed(local: string) {
  endHasPassedFor(demo(local));
}

function endHasPassedFor(email: string) {
  execFileSync('sqlite3', [
    '-cmd',
    '.timeout 10000',
    '.state/e2e.db',
    `UPDATE role_assignments SET ends_at = CAST(strftime('%s', 'now') AS INTEGER) - 1 \
     WHERE status = 'active' AND ends_at IS NOT NULL \
       AND user_id = (SELECT id FROM users WHERE email = '${email}')`,
  ]);
}

test('an administrator gives a locum’s role an end date; when it passes the role stops mid-session', async ({ page, browser }, info) => {
  test.slow(); // two people, several pages each
  const who = covers[info.project.name];
  // The covering member of staff is signed in and working, in their own browser.
  const theirs = await browser.newContext({ javaScriptEnabled: jsOn(info), viewport: page.viewportSize() });
  const holder = await theirs.newPage();
  try {
    await signIn(holder, info, who);
    await expect(holder).toHaveURL((u) => u.pathname === '/');
    await ready(holder, info);

    await signIn(page, info, 'account.admin');
    await ready(page, info);
    await page.goto(`/users?q=${encodeURIComponent(demo(who))}`);
    await ready(page, info);
    await page.getByRole('row').filter({ hasText: demo(who) }).getByRole('link', { name: /^View/ }).click();
    await expect(page).toHaveURL((u) => /^\/users\/\d+$/.test(u.pathname));
    await ready(page, info);
    const userPage = path(page);
    const row = page.getByRole('row').filter({ hasText: '(A81005)' });
    await row.getByRole('link', { name: /^Access ends on/ }).click();
    await expect(page).toHaveURL((u) => /^\/users\/\d+\/roles\/\d+\/end$/.test(u.pathname));
    await ready(page, info);
    await expect(page.getByRole('heading', { level: 1 })).toContainText('access as Provider User at Springwood Surgery end?');
    await expectAccessible(page);

    // Nothing typed, a day already past, a day too far ahead: each named at the field.
    await page.getByRole('button', { name: 'Save' }).click();
    await ready(page, info);
    await expect(page.locator('#access_ends-error')).toContainText('Enter the date access ends');
    await expect(page.locator('.nhsuk-error-summary')).toBeFocused();
    await expectAccessible(page);
    await fillEnd(page, ukDate(-1));
    await ready(page, info);
    await expect(page.locator('#access_ends-error')).toContainText('must be today or in the future');
    await expect(page.getByRole('group', { name: 'Access ends on' }).getByLabel('Year')).toHaveValue(ukDate(-1)[2]);
    await fillEnd(page, ukDate(400));
    await ready(page, info);
    await expect(page.locator('#access_ends-error')).toContainText('further ahead than this service allows');

    // Ten days: saved, and shown on the user's page.
    await fillEnd(page, ukDate(10));
    await expect(page).toHaveURL((u) => u.pathname === userPage && u.searchParams.get('done') === 'end-set');
    await ready(page, info);
    await expect(page.getByText('The date access ends has been saved.')).toBeVisible();
    await expect(row).toContainText(/Access ends after \d{1,2} \w+ \d{4}/);
    await expectAccessible(page);

    // Until then they work as before.
    await holder.goto('/');
    await ready(holder, info);
    await expect(holder.getByText('You are signed in as Provider User for Springwood Surgery')).toBeVisible();
    // They can see when: My Account names their last day.
    await holder.goto('/my-account');
    await ready(holder, info);
    await holder.getByText('Springwood Surgery (A81005)', { exact: true }).click(); // each organisation expands
    await expect(holder.getByText(/access ends after \d{1,2} \w+ \d{4}/)).toBeVisible();
    await expectAccessible(holder);

    // Their last day passes: on their very next page the role is gone, mid-session.
    endHasPassed(who);
    await holder.goto('/');
    await expect(holder).toHaveURL((u) => u.pathname === '/my-profile');
    await ready(holder, info);
    await expect(holder.getByText('You are signed in as Provider User')).toHaveCount(0);

    // The administrator sees it ended: Expired, and no end to set any more.
    await page.goto(userPage);
    await ready(page, info);
    await expect(row).toContainText('Expired');
    await expect(row).toContainText(/Access ended after/);
    await expect(row.getByRole('link', { name: /^Access ends on/ })).toHaveCount(0);
    await expectAccessible(page);
  } finally {
    await theirs.close();
  }
});

test('a locum invited until a date accepts, works, and loses the role mid-session when the date passes', async ({ page }, info) => {
  test.slow(); // an invitation, its acceptance and a session, across two people
  const email = `locum.${info.project.name}.${Date.now()}@example.nhs.uk`;
  await signIn(page, info, 'account.admin');
  await ready(page, info);
  await page.goto('/users/invite');
  await ready(page, info);
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Next' }).click();
  await ready(page, info);
  await page.getByLabel('First name').fill('Lou');
  await page.getByLabel('Last name').fill('Locum');
  await page.getByRole('button', { name: 'Next' }).click();
  await ready(page, info);
  await page.getByLabel('ODS code or organisation name').fill('A81002');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/users/invite/role');
  await ready(page, info);
  await page.getByLabel('Provider User').check();
  const group = page.getByRole('group', { name: 'Access ends on (optional)' });
  // A day already past is named at the field, and the role stays chosen.
  const [pd, pm, py] = ukDate(-2);
  await group.getByLabel('Day').fill(pd);
  await group.getByLabel('Month').fill(pm);
  await group.getByLabel('Year').fill(py);
  await page.getByRole('button', { name: 'Next' }).click();
  await ready(page, info);
  await expect(page.locator('#access_ends-error')).toContainText('must be today or in the future');
  await expectAccessible(page);
  const [day, month, year] = ukDate(14);
  await group.getByLabel('Day').fill(day);
  await group.getByLabel('Month').fill(month);
  await group.getByLabel('Year').fill(year);
  await page.getByLabel('Provider User').check();
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/users/invite/preview');
  await ready(page, info);
  await expect(page.getByRole('definition').filter({ hasText: /^After \d{1,2} \w+ \d{4}$/ })).toBeVisible();
  await expect(page.locator('pre')).toContainText('This access is temporary: it ends after');
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByText('Invite successfully sent.')).toBeVisible();
  await ready(page, info);
  await signOut(page);

  // The locum accepts and works.
  const href = await linkInOutbox(page, info, email, 'you have been invited', '/invite?token=');
  await page.goto(href);
  await ready(page, info);
  const strong = 'Locum-Cover-2027!';
  await page.getByLabel('Password', { exact: true }).fill(strong);
  await page.getByLabel('Confirm password').fill(strong);
  await page.getByRole('button', { name: 'Register' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/sign-in');
  await ready(page, info);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(strong);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await ready(page, info);
  await expect(page.getByText('Acting as')).toContainText('Provider User');

  // Their last day passes: on the very next page the role is gone.
  endHasPassedFor(email);
  await page.goto('/');
  await expect(page).toHaveURL((u) => u.pathname === '/my-profile');
  await ready(page, info);
  await expect(page.getByText('You are signed in as Provider User')).toHaveCount(0);
  await expectAccessible(page);
});
