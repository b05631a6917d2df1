import { expect, test } from '@playwright/test';
import { expectAccessible, ready, signIn } from './support';

test('a commissioner finds a practice and switches it to multi-level approval', async ({ page }, info) => {
  test.slow(); // a whole flow across several pages and users
  // Each project uses its own practice, so parallel runs do not race on one tick box.
  const code = { desktop: 'A81004', mobile: 'A81005', 'no-js': 'A81006' }[info.project.name] ?? 'A81007';
  await signIn(page, info, 'commissioner.tier1');
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await ready(page, info);
  await page.getByRole('link', { name: 'Providers' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/providers');
  await ready(page, info);
  await expectAccessible(page);
  await page.getByLabel('Search by ODS code or name').fill(code);
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL((u) => u.searchParams.get('q') === code);
  await ready(page, info);
  const row = page.getByRole('row').filter({ hasText: code });
  await expect(row).toContainText('Single-level');
  await row.getByRole('link', { name: /View/ }).click();
  await expect(page).toHaveURL((u) => u.pathname === `/providers/${code}`);
  await ready(page, info);
  await expectAccessible(page);
  await page.getByLabel('Multi-level approval').check();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('The approval level has been saved')).toBeVisible();
  await ready(page, info);
  await expect(page.getByRole('main').getByText('Multi-level', { exact: true })).toBeVisible();
  await expect(page.getByLabel('Multi-level approval')).toBeChecked();
  await expectAccessible(page);
});

test('an account administrator sees the approval level without the control', async ({ page }, info) => {
  await signIn(page, info, 'account.admin');
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await page.goto('/providers/A81001');
  await ready(page, info);
  await expect(page.getByRole('heading', { name: 'The Densham Surgery (A81001)' })).toBeVisible();
  await expect(page).toHaveTitle('The Densham Surgery (A81001) - Gatehouse');
  await expect(page.getByText('Your role can see the approval level but not change it.')).toBeVisible();
  await expect(page.getByLabel('Multi-level approval')).toHaveCount(0);
  await expectAccessible(page);
});
