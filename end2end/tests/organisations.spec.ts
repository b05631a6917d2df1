import { expect, test } from '@playwright/test';
import { expectAccessible, ready, signIn } from './support';

test('an organisation administrator searches the tree and creates a descendant', async ({ page }, info) => {
  test.slow(); // a whole flow across several pages and users
  const code = { desktop: 'Y98001', mobile: 'Y98002', 'no-js': 'Y98003' }[info.project.name] ?? 'Y98004';
  await signIn(page, info, 'org.admin');
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await ready(page, info);
  await page.getByRole('link', { name: 'Organisations' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/organisations');
  await ready(page, info);
  await expectAccessible(page);

  await page.getByLabel('Search by ODS code or name').fill('Densham');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL((u) => u.searchParams.get('q') === 'Densham');
  await ready(page, info);
  await expect(page.getByRole('row').filter({ hasText: 'A81001' })).toContainText('The Densham Surgery');

  await page.goto('/organisations/16C');
  await ready(page, info);
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Create an organisation below this one' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/organisations/new');
  await ready(page, info);
  // Nothing filled in: each field says what it needs.
  await page.getByRole('button', { name: 'Create organisation' }).click();
  // The answer is a new page: wait for its errors before waiting for it to be ready, or the
  // old page's readiness passes and the fields below are typed into a page about to go.
  await expect(page.locator('#code-error')).toContainText('Enter an ODS code');
  await expect(page.locator('#kind-error')).toContainText('Select the kind of organisation');
  await ready(page, info);
  await expectAccessible(page);

  await page.getByLabel('ODS code', { exact: true }).fill(code);
  await page.getByLabel('Name', { exact: true }).fill(`Extended Access Hub ${info.project.name}`);
  await page.getByLabel('Service provider (GP practice)').check();
  await page.getByLabel('Type', { exact: true }).fill('GP Practice');
  await page.getByLabel("Parent organisation's ODS code").fill('16C');
  const start = page.getByRole('group', { name: 'Start date' });
  await start.getByLabel('Day').fill('1');
  await start.getByLabel('Month').fill('4');
  await start.getByLabel('Year').fill('2024');
  await page.getByRole('button', { name: 'Create organisation' }).click();
  await expect(page).toHaveURL((u) => u.pathname === `/organisations/${code}`);
  await ready(page, info);
  await expect(page.getByText('The organisation has been created.')).toBeVisible();
  await expect(page.getByRole('heading', { name: `Extended Access Hub ${info.project.name} (${code})` })).toBeVisible();
  await expectAccessible(page);
});
