import { expect, test } from '@playwright/test';
import { expectAccessible, jsOn, ready, signIn } from './support';

/**
 * The NHS.UK frontend's own components and script: with JavaScript the frontend starts (the
 * password's Show, the character count's countdown); without it each component still says
 * what it must (a plain password box, the limit in words).
 */
test('the password input shows its Show button only when the frontend runs, and Show shows it', async ({ page }, info) => {
  await page.goto('/sign-in');
  await ready(page, info);
  const password = page.getByLabel('Password', { exact: true });
  const show = page.getByRole('button', { name: 'Show password' });
  await password.fill('Typed-Secret-1');
  if (!jsOn(info)) {
    await expect(show).toHaveCount(0);
    await expect(page.locator('body')).not.toHaveClass(/nhsuk-frontend-supported/);
    return;
  }
  await expect(page.locator('body')).toHaveClass(/nhsuk-frontend-supported/);
  await expect(show).toBeVisible();
  await show.click();
  await expect(password).toHaveAttribute('type', 'text');
  await page.getByRole('button', { name: 'Hide password' }).click();
  await expect(password).toHaveAttribute('type', 'password');
  await expectAccessible(page);
});

test('a 250-character reason says its limit, and counts down as it is typed', async ({ page }, info) => {
  await signIn(page, info, 'approver.tier2');
  await expect(page).not.toHaveURL((u) => u.pathname === '/sign-in');
  await page.goto('/my-profile/request-access/role?org=A81027');
  await ready(page, info);
  const reason = page.getByLabel('Reason', { exact: true });
  await expect(reason).toBeVisible();
  if (!jsOn(info)) {
    await expect(page.getByText('You can enter up to 250 characters')).toBeVisible();
    return;
  }
  await reason.fill('Covering a colleague');
  await expect(page.getByText('You have 230 characters remaining')).toBeVisible();
  await reason.fill('x'.repeat(260));
  await expect(page.getByText('You have 10 characters too many')).toBeVisible();
  await expectAccessible(page);
});

test('a change that went through is told in a success notification banner', async ({ page }, info) => {
  await signIn(page, info, 'account.admin');
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await page.goto('/my-profile/notification-settings');
  await ready(page, info);
  await page.getByRole('button', { name: 'Save' }).click();
  await ready(page, info);
  const banner = page.locator('.nhsuk-notification-banner--success');
  await expect(banner).toBeVisible();
  await expect(banner.getByRole('heading', { name: 'Success' })).toBeVisible();
  await expectAccessible(page);
});

test('long lists page with the NHS.UK pagination: Next and Previous, with the page in words', async ({ page }, info) => {
  await signIn(page, info, 'service.desk');
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await page.goto('/providers');
  await ready(page, info);
  const pages = page.getByRole('navigation', { name: 'Pages of providers' });
  await expect(pages.getByRole('link', { name: 'Previous page' })).toHaveCount(0);
  await pages.getByRole('link', { name: 'Next page' }).click();
  await expect(page).toHaveURL((u) => u.searchParams.get('page') === '2');
  await ready(page, info);
  await expect(page.getByText(/^Page 2 of \d+$/)).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('navigation', { name: 'Pages of providers' }).getByRole('link', { name: 'Previous page' }).click();
  await expect(page).toHaveURL((u) => u.searchParams.get('page') === '1');
});
