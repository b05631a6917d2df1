import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { demo, expectAccessible, linkInOutbox, ready, signIn, signOut } from './support';

/** The newest invitation link to `to`. */
const invitationLink = (page: Page, info: TestInfo, to: string) =>
  linkInOutbox(page, info, to, 'you have been invited', '/invite?token=');

/** Users → Invite → email → names → organisation → role → preview → Send, as an administrator. */
async function invite(page: Page, info: TestInfo, email: string, names: [string, string] | null) {
  await signIn(page, info, 'account.admin');
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await ready(page, info);
  await page.getByRole('link', { name: 'Users', exact: true }).click();
  await ready(page, info);
  await page.getByRole('link', { name: 'Invite', exact: true }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/users/invite');
  await ready(page, info);
  await expectAccessible(page);
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/users/invite/details');
  await ready(page, info);
  await expectAccessible(page);
  if (names) {
    await page.getByLabel('First name').fill(names[0]);
    await page.getByLabel('Last name').fill(names[1]);
  } else {
    // An existing user's names are theirs: shown, not asked for.
    await expect(page.getByText('already uses Gatehouse')).toBeVisible();
    await expect(page.getByLabel('First name')).toHaveCount(0);
  }
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/users/invite/organisation');
  await ready(page, info);
  await expectAccessible(page);
  await page.getByLabel('ODS code or organisation name').fill('A81002');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/users/invite/role');
  await ready(page, info);
  await expectAccessible(page);
  // An account administrator is not offered approver-tier roles.
  await expect(page.getByLabel('Provider Approver')).toHaveCount(0);
  await page.getByLabel('Provider User').check();
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/users/invite/preview');
  await ready(page, info);
  await expect(page.getByText('Gatehouse: you have been invited')).toBeVisible();
  await expect(page.locator('pre')).toContainText('Provider User');
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByText('Invite successfully sent.')).toBeVisible();
  await ready(page, info);
  await signOut(page);
}

test('invite a new user → they accept from the email → they sign in', async ({ page }, info) => {
  test.slow(); // a whole flow across several pages and users
  const email = `ivy.${info.project.name}.${Date.now()}@example.nhs.uk`;
  await invite(page, info, email, ['Ivy', 'Invited']);
  const href = await invitationLink(page, info, email);
  await page.goto(href);
  await ready(page, info);
  await expect(page.getByRole('heading', { name: 'Set up your account' })).toBeVisible();
  await expect(page.getByLabel('First name')).toHaveValue('Ivy');
  await expectAccessible(page);
  await page.getByLabel('Password', { exact: true }).fill('weak');
  await page.getByLabel('Confirm password').fill('weak');
  await page.getByRole('button', { name: 'Register' }).click();
  await expect(page.locator('.nhsuk-error-summary')).toContainText('Password must be at least 8 characters');
  await ready(page, info);
  await expectAccessible(page);
  const strong = 'Invited-Person-2026!';
  await page.getByLabel('Password', { exact: true }).fill(strong);
  await page.getByLabel('Confirm password').fill(strong);
  await page.getByRole('button', { name: 'Register' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/sign-in');
  await ready(page, info);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(strong);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await expect(page.getByText('Acting as')).toContainText('Provider User');
  // The link worked once.
  await page.goto(href);
  await ready(page, info);
  await expect(page.getByRole('heading', { name: 'This link is no longer valid' })).toBeVisible();
});

test('invite an existing user to a second organisation → they sign in through the link and switch to it', async ({ page }, info) => {
  test.slow(); // a whole flow across several pages and users
  const who = { desktop: 'view', mobile: 'provider.approver', 'no-js': 'advanced.admin' }[info.project.name] ?? 'view';
  await invite(page, info, demo(who), null);
  const href = await invitationLink(page, info, demo(who));
  await page.goto(href);
  await ready(page, info);
  await expect(page.getByRole('heading', { name: 'Sign in to accept your invitation' })).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel('Password', { exact: true }).fill('Gatehouse-Demo-2026!');
  await page.getByRole('button', { name: 'Sign in and accept' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/select-account');
  await ready(page, info);
  const second = page.getByRole('button', { name: /Provider User.*\(A81002\)/ });
  await expect(second).toBeVisible();
  await second.click();
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await expect(page.getByText('Acting as')).toContainText('A81002');
});

test('each step of Invite and of Register has an NHS.UK back link that keeps what was entered', async ({ page }, info) => {
  const email = `back.link.${info.project.name}@example.nhs.uk`;
  await signIn(page, info, 'account.admin');
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await page.goto('/users/invite');
  await ready(page, info);
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/users/invite/details');
  await ready(page, info);
  await page.getByLabel('First name').fill('Bea');
  await page.getByLabel('Last name').fill('Backlink');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/users/invite/organisation');
  await ready(page, info);
  await page.getByRole('link', { name: 'Back', exact: true }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/users/invite/details');
  await ready(page, info);
  await expect(page.getByLabel('First name')).toHaveValue('Bea');
  await expect(page.getByLabel('Last name')).toHaveValue('Backlink');
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Back', exact: true }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/users/invite');
  await ready(page, info);
  await expect(page.getByLabel('Email address')).toHaveValue(email);
  await signOut(page);

  await page.goto('/register');
  await ready(page, info);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('ODS code or organisation name').fill('A81001');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/register/details');
  await ready(page, info);
  await page.getByRole('link', { name: 'Back', exact: true }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/register');
  await ready(page, info);
  await expect(page.getByLabel('Email address')).toHaveValue(email);
  await expect(page.getByLabel('ODS code or organisation name')).toHaveValue('A81001');
});
