import { expect, test } from '@playwright/test';
import { expectAccessible, linkInOutbox, ready, signIn, signOut } from './support';

test('an administrator adds a new user with roles, payment types and a cluster', async ({ page }, info) => {
  test.slow(); // a whole flow across several pages and users
  const email = `nia.${info.project.name}.${Date.now()}@example.nhs.uk`;
  await signIn(page, info, 'account.admin');
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await ready(page, info);
  await page.getByRole('link', { name: 'Users', exact: true }).click();
  await ready(page, info);
  // Add New User, the email twice (a mismatch first), Continue.
  await page.getByRole('link', { name: 'Add New User' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/users/new');
  await ready(page, info);
  await expectAccessible(page);
  await page.getByLabel('Email Address', { exact: true }).fill(email);
  await page.getByLabel('Confirm Email Address').fill(email.replace('nia.', 'nya.'));
  await page.getByRole('button', { name: 'Continue' }).click();
  await ready(page, info);
  await expect(page.locator('.nhsuk-error-summary')).toContainText('The email addresses do not match');
  await expectAccessible(page);
  await page.getByLabel('Confirm Email Address').fill(email);
  await page.getByRole('button', { name: 'Continue' }).click();
  await ready(page, info);
  // The user information (everything but the mobile).
  await expect(page.getByRole('heading', { name: 'User Information' })).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel('First Name').fill('Nia');
  await page.getByLabel('Last Name').fill('New');
  await page.getByLabel('Telephone Number').fill('0191 123 4567');
  // Add Organisation: Search By, tick, Submit.
  await page.getByLabel('Search By Organisation ID or name').fill('QHM');
  await page.getByRole('button', { name: 'Search' }).click();
  await ready(page, info);
  await page.getByLabel(/\(QHM\)/).check();
  await page.getByRole('button', { name: 'Submit' }).click();
  await ready(page, info);
  await expect(page.getByRole('group', { name: /\(QHM\)/ })).toBeVisible();
  await expectAccessible(page);
  // A starred role with one payment type, and the organisation's cluster.
  const qhm = page.getByRole('group', { name: /\(QHM\)/ });
  await qhm.getByLabel('Finance View*', { exact: true }).check();
  await qhm.locator('.gh-payment-types').first().getByLabel(/^QOF/).check();
  await qhm.getByLabel('Tees Valley North Practices (C61A6DB801)').check();
  // The final Submit.
  await page.getByRole('button', { name: 'Submit' }).click();
  await expect(page.getByText('You have successfully added the new user.')).toBeVisible();
  await ready(page, info);
  await expectAccessible(page);
  // The user's page shows the role with its payment type and cluster; Change adds DES.
  const row = page.getByRole('row').filter({ hasText: 'Finance View' });
  await expect(row).toContainText('(QOF)');
  await expect(row).toContainText('Clusters: Tees Valley North Practices');
  await row.getByRole('link', { name: /Change/ }).click();
  await ready(page, info);
  await expectAccessible(page);
  await expect(page.getByLabel(/^QOF/)).toBeChecked();
  await page.getByLabel(/^DES/).check();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('The role, its payment types and its clusters have been saved.')).toBeVisible();
  await ready(page, info);
  await expect(page.getByRole('row').filter({ hasText: 'Finance View' })).toContainText('(QOF, DES)');
  await signOut(page);
  // The new user sets a password from the email and signs in, limited as they were set up.
  const href = await linkInOutbox(page, info, email, 'an account has been made for you', '/activate?token=');
  await page.goto(href);
  await ready(page, info);
  const strong = 'Added-Person-2026!';
  await page.getByLabel('New password', { exact: true }).fill(strong);
  await page.getByLabel('Confirm new password').fill(strong);
  await page.getByRole('button', { name: 'Set password' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/sign-in');
  await ready(page, info);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(strong);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await ready(page, info);
  await expect(page.getByText('Acting as')).toContainText('Finance View (QOF, DES)');
  await expect(page.getByText('Acting as')).toContainText('limited to its Service Provider Clusters');
  // My Account: the organisation's roles, payment types, clusters.
  await page.goto('/my-account');
  await ready(page, info);
  await page.locator('summary').filter({ hasText: 'QHM' }).click();
  const roles = page.getByRole('table');
  await expect(roles).toContainText('Finance View');
  await expect(roles).toContainText('QOF');
  await expect(roles).toContainText('Tees Valley North Practices');
  await expectAccessible(page);
});

test('on a user’s page: Add Organisation, Remove Organisation, and the Enabled/Disabled radio', async ({ page }, info) => {
  test.slow(); // a whole flow across several pages and users
  test.slow();
  const email = `omar.${info.project.name}.${Date.now()}@example.nhs.uk`;
  await signIn(page, info, 'account.admin');
  await expect(page).toHaveURL((u) => u.pathname === '/');
  // A user of this test's own, at The Densham Surgery (A81001).
  await page.goto('/users/new');
  await ready(page, info);
  await page.getByLabel('Email Address', { exact: true }).fill(email);
  await page.getByLabel('Confirm Email Address').fill(email);
  await page.getByRole('button', { name: 'Continue' }).click();
  await ready(page, info);
  await page.getByLabel('First Name').fill('Omar');
  await page.getByLabel('Last Name').fill('Moved');
  await page.getByLabel('Telephone Number').fill('0191 123 4567');
  await page.getByLabel('Search By Organisation ID or name').fill('A81001');
  await page.getByRole('button', { name: 'Search' }).click();
  await ready(page, info);
  await page.getByLabel(/\(A81001\)/).check();
  await page.getByRole('button', { name: 'Submit' }).click();
  await ready(page, info);
  await page.getByRole('group', { name: /\(A81001\)/ }).getByLabel('Provider User', { exact: true }).check();
  await page.getByRole('button', { name: 'Submit' }).click();
  await expect(page.getByText('You have successfully added the new user.')).toBeVisible();
  await ready(page, info);
  const userPage = new URL(page.url()).pathname;

  // Add Organisation: Search By, tick, Submit; the roles there; Submit.
  await page.getByRole('link', { name: 'Add Organisation' }).click();
  await expect(page).toHaveURL((u) => u.pathname === `${userPage}/organisations`);
  await ready(page, info);
  await expect(page.getByRole('heading', { name: 'Add Organisation for Omar Moved' })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Submit' }).click();
  await ready(page, info);
  await expect(page.locator('.nhsuk-error-summary')).toContainText('Add at least one organisation');
  await page.getByLabel('Search By Organisation ID or name').fill('Hillside');
  await page.getByRole('button', { name: 'Search' }).click();
  await ready(page, info);
  await page.getByLabel(/\(A81022\)/).check();
  await page.getByRole('button', { name: 'Submit' }).click();
  await ready(page, info);
  const hillside = page.getByRole('group', { name: /\(A81022\)/ });
  await expect(hillside).toBeVisible();
  await expectAccessible(page);
  await hillside.getByLabel('Provider User', { exact: true }).check();
  await page.getByRole('button', { name: 'Submit' }).click();
  await expect(page.getByText('You have successfully added the organisation and roles.')).toBeVisible();
  await ready(page, info);
  const hillsideRow = page.getByRole('row').filter({ hasText: 'Hillside Practice (A81022)' });
  await expect(hillsideRow).toContainText('Provider User');
  await expect(hillsideRow).toContainText('Approved');
  await expectAccessible(page);

  // Change: the role itself, to View* limited to QOF.
  await hillsideRow.getByRole('link', { name: /Change/ }).click();
  await ready(page, info);
  await expect(page.getByLabel('Provider User', { exact: true })).toBeChecked();
  await expectAccessible(page);
  await page.getByLabel('View*', { exact: true }).check();
  await page.getByLabel(/^QOF/).check();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('The role, its payment types and its clusters have been saved.')).toBeVisible();
  await ready(page, info);
  await expect(hillsideRow).toContainText('View (QOF)');

  // Remove Organisation on Hillside's row, then Submit.
  await hillsideRow.getByRole('link', { name: /Remove Organisation/ }).click();
  await expect(page).toHaveURL((u) => u.pathname === `${userPage}/revoke` && u.searchParams.get('organisation') === 'A81022');
  await ready(page, info);
  await expect(page.getByLabel(/\(A81022\)/)).toBeChecked();
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Submit' }).click();
  await expect(page.getByText('Access has been revoked.')).toBeVisible();
  await ready(page, info);
  await expect(page.getByRole('row').filter({ hasText: 'Hillside Practice (A81022)' })).toContainText('Revoked');
  await expect(page.getByRole('row').filter({ hasText: 'The Densham Surgery (A81001)' })).toContainText('Approved');

  // Disabled, Submit: the reason, Confirm; then Enabled, Submit, Confirm.
  await expect(page.getByLabel('Enabled', { exact: true })).toBeChecked();
  await page.getByLabel('Disabled', { exact: true }).check();
  await page.getByRole('button', { name: 'Submit' }).click();
  await expect(page).toHaveURL((u) => u.pathname === `${userPage}/access`);
  await ready(page, info);
  await expect(page.getByRole('heading', { name: 'Disable the account of Omar Moved?' })).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel('Other', { exact: true }).check();
  await page.getByLabel('If Other, the reason').fill('Moved to another region');
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByText('The account has been disabled.')).toBeVisible();
  await ready(page, info);
  await expect(page.getByLabel('Disabled', { exact: true })).toBeChecked();
  await page.getByLabel('Enabled', { exact: true }).check();
  await page.getByRole('button', { name: 'Submit' }).click();
  await ready(page, info);
  await expect(page.getByRole('heading', { name: 'Enable the account of Omar Moved?' })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByText('The account has been enabled.')).toBeVisible();
});
