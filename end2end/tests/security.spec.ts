import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { PASSWORD, demo, expectAccessible, jsOn, path, ready, signIn } from './support';

// Each project has its own member of staff, so a lock-out in one run never stops another.
const staff: Record<string, string> = { desktop: 'staff.one', mobile: 'staff.two', 'no-js': 'staff.three' };
const me = (info: TestInfo) => staff[info.project.name];

const RESET_PASSWORD = 'Reset-Passw0rd-2026!';
const CHANGED_PASSWORD = 'Changed-Passw0rd-2026!';

async function signOut(page: Page, info: TestInfo) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/sign-in');
  await ready(page, info);
}

/** The Service Desk reads the outbox (no SMTP in the test run): the newest reset link to `to`. */
async function resetLink(page: Page, info: TestInfo, to: string) {
  await signIn(page, info, 'service.desk');
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await page.goto('/outbox');
  await ready(page, info);
  const mail = page.locator('.gh-outbox__item').filter({ hasText: to }).filter({ hasText: 'reset your password' });
  await expect(mail).toHaveCount(1);
  const href = await mail.getByRole('link').first().getAttribute('href');
  await signOut(page, info);
  if (!href) throw new Error('no link in the reset email');
  return new URL(href).pathname + new URL(href).search;
}

test('forgotten password → the emailed link → a new password → Change Password → Sessions → lock-out → the Service Desk unlocks', async ({ page, browser }, info) => {
  test.setTimeout(180_000); // eight pages as three users: about 80 s on a loaded 2-core machine
  const email = demo(me(info));

  // Forgotten password, from the Sign in page.
  await page.goto('/sign-in');
  await ready(page, info);
  await page.getByRole('link', { name: 'Forgotten Password' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/forgotten-password');
  await ready(page, info);
  await expect(page.getByRole('heading', { name: 'Forgotten password' })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Submit' }).click();
  await expect(page.locator('#email-error')).toContainText('Enter your email address');
  await expect(page).toHaveTitle(/^Error: /);
  await expect(page.locator('.nhsuk-error-summary')).toBeFocused();
  await expectAccessible(page);
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Submit' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/forgotten-password/sent');
  await ready(page, info);
  await expect(page.getByRole('heading', { name: 'Check your email' })).toBeVisible();
  await expectAccessible(page);

  // Forgotten user name: the user name is the email address.
  await page.goto('/sign-in');
  await ready(page, info);
  await page.getByRole('link', { name: 'Forgotten User Name' }).click();
  await expect(page.getByText('Your user name is always your email address')).toBeVisible();
  await expectAccessible(page);

  // The link sets a new password, once.
  const link = await resetLink(page, info, email);
  await page.goto(link);
  await ready(page, info);
  await expect(page.getByRole('heading', { name: 'Set a new password' })).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel('New password', { exact: true }).fill(RESET_PASSWORD);
  await page.getByLabel('Confirm new password').fill('Not-The-Same-1!');
  await page.getByRole('button', { name: 'Set password' }).click();
  await expect(page.locator('#confirm_password-error')).toContainText('Passwords do not match');
  await expectAccessible(page);
  await page.getByLabel('New password', { exact: true }).fill(RESET_PASSWORD);
  await page.getByLabel('Confirm new password').fill(RESET_PASSWORD);
  await page.getByRole('button', { name: 'Set password' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/sign-in');
  await ready(page, info);
  await expect(page.getByText('Your password has been changed')).toBeVisible();
  await expectAccessible(page);
  await page.goto(link);
  await ready(page, info);
  await expect(page.getByRole('heading', { name: 'This link is no longer valid' })).toBeVisible();

  // My Profile → User Details → Change Password.
  await signIn(page, info, me(info), RESET_PASSWORD);
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await page.goto('/my-profile');
  await ready(page, info);
  await page.getByRole('link', { name: 'User Details' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/my-profile/details');
  await ready(page, info);
  await page.getByRole('link', { name: 'Change Password' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/my-profile/details/change-password');
  await ready(page, info);
  await expectAccessible(page);
  await page.getByLabel('Current password').fill(PASSWORD);
  await page.getByLabel('New password', { exact: true }).fill(CHANGED_PASSWORD);
  await page.getByLabel('Confirm new password').fill(CHANGED_PASSWORD);
  await page.getByRole('button', { name: 'Update Password' }).click();
  await expect(page.locator('#current_password-error')).toContainText('Your current password is not right');
  await expectAccessible(page);
  await page.getByLabel('Current password').fill(RESET_PASSWORD);
  await page.getByLabel('New password', { exact: true }).fill(CHANGED_PASSWORD);
  await page.getByLabel('Confirm new password').fill(CHANGED_PASSWORD);
  await page.getByRole('button', { name: 'Update Password' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/my-profile/details');
  await ready(page, info);
  await expect(page.getByText('Your password has been changed')).toBeVisible();
  await expectAccessible(page);

  // Signed in on a second device too; My Profile → Sessions lists both and signs the other out.
  const phone = await browser.newContext({ javaScriptEnabled: jsOn(info), userAgent: 'Gatehouse test phone' });
  const other = await phone.newPage();
  await signIn(other, info, me(info), CHANGED_PASSWORD);
  await expect(other).toHaveURL((u) => u.pathname === '/');
  await page.goto('/my-profile');
  await ready(page, info);
  await page.getByRole('link', { name: 'Sessions' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/my-profile/sessions');
  await ready(page, info);
  const rows = page.locator('.gh-session');
  await expect(rows).toHaveCount(2);
  await expect(rows.filter({ hasText: 'This session' })).toHaveCount(1);
  // A browser reads as "Chrome on Linux", not its raw User-Agent; one the parser does not know
  // keeps its own words.
  await expect(rows.filter({ hasText: 'This session' }).getByRole('heading')).toContainText(/Chrome on /);
  await expect(rows.filter({ hasText: 'This session' }).getByRole('heading')).not.toContainText('Mozilla');
  await expect(rows.filter({ hasText: 'Gatehouse test phone' })).toHaveCount(1);
  // UK local time, in words.
  await expect(rows.first()).toContainText(/\d{1,2} [A-Z][a-z]+ \d{4}, \d{1,2}:\d\d(am|pm)/);
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Sign out of all other sessions' }).click();
  await expect(page.getByText('Your other sessions have been signed out')).toBeVisible();
  await expect(page.locator('.gh-session')).toHaveCount(1);
  await expect(page.getByText('You are not signed in anywhere else')).toBeVisible();
  await expectAccessible(page);
  await other.goto('/my-profile');
  await expect(other).toHaveURL((u) => u.pathname === '/sign-in');
  await phone.close();
  await signOut(page, info);

  // Five wrong passwords lock the account; the message never says so.
  for (let i = 0; i < 5; i++) {
    await signIn(page, info, me(info), `Wrong-Passw0rd-${i}!`);
    await expect(page.locator('#email-error')).toContainText('Email address or password not recognised');
  }
  await signIn(page, info, me(info), CHANGED_PASSWORD);
  await expect(page.locator('#email-error')).toContainText('Email address or password not recognised');
  expect(path(page)).toBe('/sign-in');

  // The Service Desk finds the account and unlocks it.
  await signIn(page, info, 'service.desk');
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await ready(page, info);
  await page.getByRole('link', { name: 'Locked accounts' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/locked-accounts');
  await ready(page, info);
  const row = page.getByRole('row').filter({ hasText: email });
  await expect(row).toHaveCount(1);
  await expectAccessible(page);
  await row.getByRole('button', { name: `Unlock ${email}` }).click();
  await expect(page.getByText('The account has been unlocked')).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: email })).toHaveCount(0);
  if (jsOn(info)) await ready(page, info);
  await expectAccessible(page);
  await signOut(page, info);

  await signIn(page, info, me(info), CHANGED_PASSWORD);
  await expect(page).toHaveURL((u) => u.pathname === '/');
});

test('in demo mode the Outbox says why it shows links, and a name that looks like a link is not one', async ({ page }, info) => {
  // A registration whose name looks like a web address: its reviewers' emails quote it.
  const email = `lookalike.${info.project.name}@example.nhs.uk`;
  await page.goto('/register');
  await ready(page, info);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('ODS code or organisation name').fill('A81001');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/register/details');
  await ready(page, info);
  await page.getByLabel('Provider User').check();
  await page.getByLabel('First name').fill('www.evil.example');
  await page.getByLabel('Last name').fill(`Lookalike${info.project.name}`);
  await page.getByRole('button', { name: 'Register' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/register/done');

  await signIn(page, info, 'service.desk');
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await page.goto('/outbox');
  await ready(page, info);
  await expect(page.getByTestId('demo-outbox')).toContainText('because this is a demo');
  const notice = page
    .locator('.gh-outbox__item')
    .filter({ hasText: `Lookalike${info.project.name}` })
    .first();
  await expect(notice).toContainText('\u201cwww.evil.example');
  await expect(notice.getByRole('link', { name: /evil/ })).toHaveCount(0);
  await expectAccessible(page);
  await signOut(page, info);
});
