import { expect, test } from '@playwright/test';
import { demo, expectAccessible, path, ready, signIn, signOut } from './support';

test('a user with one role signs in and lands on Home', async ({ page }, info) => {
  await page.goto('/sign-in');
  await ready(page, info);
  await expectAccessible(page);
  await signIn(page, info, 'provider.user');
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await ready(page, info);
  await expect(page.getByRole('heading', { level: 1, name: 'Home' })).toBeVisible();
  await expect(page.getByText('You are signed in as Provider User for The Densham Surgery')).toBeVisible();
  await expect(page.getByRole('main').getByRole('link', { name: 'My Account' })).toBeVisible();
  // The job aids' header: View My Profile and My Account at the top of the window.
  const header = page.getByRole('navigation', { name: 'Account' });
  await expect(header.getByRole('link', { name: 'View My Profile' })).toHaveAttribute('href', '/my-profile');
  await expect(header.getByRole('link', { name: 'My Account' })).toHaveAttribute('href', '/my-account');
  await expect(page.getByRole('link', { name: 'Roles', exact: true })).toHaveCount(0);
  // One role: nothing to switch to, so Switch Role is offered neither in the header nor as a tile.
  await expect(page.getByRole('link', { name: 'Switch Role' })).toHaveCount(0);
  await expectAccessible(page);
});

test('the national job aids’ way in: Administrative Tasks, then Manage Org’s & Users', async ({ page }, info) => {
  // The cluster job aid's walk, as the organisation administrator; the Users one as the account
  // administrator.
  for (const [who, sub, path] of [['org.admin', 'Service Provider Clusters', '/clusters'], ['account.admin', 'Users', '/users']]) {
    await signIn(page, info, who);
    await expect(page).toHaveURL((u) => u.pathname === '/');
    await ready(page, info);
    await page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Administrative Tasks' }).click();
    await expect(page).toHaveURL((u) => u.pathname === '/administrative-tasks');
    await ready(page, info);
    await expect(page.getByRole('heading', { level: 1, name: 'Administrative Tasks' })).toBeVisible();
    const manage = page.getByRole('region', { name: "Manage Org's & Users" });
    await expectAccessible(page);
    await manage.getByRole('link', { name: sub, exact: true }).click();
    await expect(page).toHaveURL((u) => u.pathname === path);
    await ready(page, info);
    if (who === 'org.admin') await signOut(page);
  }
  await page.goto('/administrative-tasks');
  await ready(page, info);
  // Only what the role may use: the account administrator manages no clusters, so Users is first.
  const first = page.getByRole('region', { name: "Manage Org's & Users" }).getByRole('heading', { level: 3 }).first();
  await expect(first).toHaveText('Users');
  // Reviews and records hold Pending Actions and Audit; nothing of the Service Desk's is there.
  await page.goto('/administrative-tasks');
  await ready(page, info);
  await expect(page.getByRole('region', { name: 'Reviews and records' }).getByRole('link', { name: 'Audit' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Service Desk' })).toHaveCount(0);
  // Someone who administers nobody has no Administrative Tasks in the header.
  await signOut(page);
  await signIn(page, info, 'provider.user');
  await ready(page, info);
  await expect(page.getByRole('link', { name: 'Administrative Tasks' })).toHaveCount(0);
});

test('a commissioner with two roles selects an account, switches role and sees both on My Account', async ({ page }, info) => {
  await signIn(page, info, 'admin.commissioner');
  await expect(page).toHaveURL((u) => u.pathname === '/select-account');
  await ready(page, info);
  await expect(page.getByRole('heading', { name: 'Select your account' })).toBeVisible();
  await expectAccessible(page);

  await page.getByRole('button', { name: /Commissioning Account Administrator/ }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await ready(page, info);
  await expect(page.getByText('You are signed in as Commissioning Account Administrator')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Roles', exact: true })).toBeVisible();
  await expectAccessible(page);

  // Switch Role from the header, without signing out.
  await page.getByRole('link', { name: 'Switch Role' }).first().click();
  await expect(page).toHaveURL((u) => u.pathname === '/select-account');
  await ready(page, info);
  await page.getByRole('button', { name: /Commissioning User \(tier 1\)/ }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await ready(page, info);
  await expect(page.getByText('You are signed in as Commissioning User (tier 1)')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Roles', exact: true })).toHaveCount(0);

  await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'My Account' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/my-account');
  await ready(page, info);
  await page.getByRole('main').getByText(/\(QHM\)/).click();
  const roles = page.locator('.gh-org-access table');
  await expect(roles.getByRole('cell', { name: 'Commissioning Account Administrator' })).toBeVisible();
  await expect(roles.getByRole('cell', { name: 'Commissioning User (tier 1)' })).toBeVisible();
  await expectAccessible(page);
});

test('a practice manager at two practices sees both organisations on My Account', async ({ page }, info) => {
  await signIn(page, info, 'practice.manager');
  await expect(page).toHaveURL((u) => u.pathname === '/select-account');
  await ready(page, info);
  await page.getByRole('button', { name: /Queens Park Medical Centre/ }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await ready(page, info);
  await expect(page.getByText('You are signed in as Provider User for Queens Park Medical Centre')).toBeVisible();
  await page.goto('/my-account');
  await ready(page, info);
  await expect(page.getByRole('main').getByText('The Densham Surgery (A81001)')).toBeVisible();
  await expect(page.getByRole('main').getByText('Queens Park Medical Centre (A81002)')).toBeVisible();
});

test('a wrong password gets the one generic message, at the top and at the field', async ({ page }, info) => {
  await signIn(page, info, 'provider.user', 'Not-The-Password-1!');
  await expect(page).toHaveURL((u) => u.pathname === '/sign-in');
  await ready(page, info);
  const summary = page.locator('.nhsuk-error-summary');
  await expect(summary.getByRole('heading', { name: 'There is a problem' })).toBeVisible();
  await expect(summary.getByRole('link', { name: 'Email address or password not recognised' })).toHaveAttribute('href', '#email');
  await expect(page.locator('#email-error')).toContainText('Email address or password not recognised');
  await expect(page.getByLabel('Email address')).toHaveValue(demo('provider.user'));
  await expect(page).toHaveTitle(/^Error: /);
  // The summary has the focus, so a screen reader reads the problem first.
  await expect(summary).toBeFocused();
  await expectAccessible(page);
});

test('an unknown email gets exactly the same message as a wrong password', async ({ page }, info) => {
  await signIn(page, info, 'nobody.at.all');
  await ready(page, info);
  await expect(page.locator('.nhsuk-error-summary')).toContainText('Email address or password not recognised');
});

test('a malformed email and an empty password are each named at their field', async ({ page }, info) => {
  await page.goto('/sign-in');
  await ready(page, info);
  await page.getByLabel('Email address').fill('jane.smith@');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await ready(page, info);
  const summary = page.locator('.nhsuk-error-summary');
  await expect(summary.getByRole('link', { name: /correct format/ })).toHaveAttribute('href', '#email');
  await expect(summary.getByRole('link', { name: 'Enter your password' })).toHaveAttribute('href', '#password');
  await expect(page.locator('#email-error')).toContainText('Enter an email address in the correct format');
  await expect(page.locator('#password-error')).toContainText('Enter your password');
  await expect(summary).toBeFocused();
  await expectAccessible(page);
});

test('an over-long email is refused with a message, not an error page', async ({ page }, info) => {
  await page.goto('/sign-in');
  await ready(page, info);
  await page.getByLabel('Email address').fill(`${'a'.repeat(260)}@nhs.net`);
  await page.getByLabel('Password', { exact: true }).fill('x');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await ready(page, info);
  await expect(page.locator('#email-error')).toContainText('254 characters or fewer');
});

test('signing out ends the session', async ({ page }, info) => {
  await signIn(page, info, 'provider.user');
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await ready(page, info);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/sign-in');
  await page.goto('/my-account');
  expect(path(page)).toBe('/sign-in');
});

test('a user whose roles were revoked reaches only My Profile', async ({ page }, info) => {
  await signIn(page, info, 'revoked');
  await expect(page).toHaveURL((u) => u.pathname === '/my-profile');
  await ready(page, info);
  await expect(page.getByText('You do not have a role at any organisation at the moment.')).toBeVisible();
  await expect(page.getByRole('main').getByText(demo('revoked'))).toBeVisible();
  await expectAccessible(page);
  await page.goto('/');
  expect(path(page)).toBe('/my-profile');
});

test('an administrator reads the role catalogue', async ({ page }, info) => {
  await signIn(page, info, 'account.admin');
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await ready(page, info);
  await page.getByRole('link', { name: 'Roles', exact: true }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/roles');
  await ready(page, info);
  await expect(page.getByRole('heading', { name: 'Finance View*' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Commissioning Approver (tier 2)' })).toBeVisible();
  await expectAccessible(page);
});

test('My Profile shows the user details', async ({ page }, info) => {
  await signIn(page, info, 'provider.user');
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await page.goto('/my-profile');
  await ready(page, info);
  await expect(page.getByRole('heading', { name: 'User Details' })).toBeVisible();
  await expect(page.getByRole('main').getByText('Priya')).toBeVisible();
  await expectAccessible(page);
});

test('an unknown page says so', async ({ page }, info) => {
  const res = await page.goto('/no-such-page');
  expect(res?.status()).toBe(404);
  await ready(page, info);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Account' })).toHaveCount(0);
  await expectAccessible(page);
  // Signed in, the page keeps the header: who is signed in, and the way on from there.
  await signIn(page, info, 'account.admin');
  await ready(page, info);
  const again = await page.goto('/no-such-page');
  expect(again?.status()).toBe(404);
  await ready(page, info);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  const account = page.getByRole('navigation', { name: 'Account' });
  await expect(account).toContainText('Alex Admin');
  await expect(account.getByRole('link', { name: 'View My Profile' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'Administrative Tasks' })).toBeVisible();
  await expectAccessible(page);
  await account.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/sign-in');
});
