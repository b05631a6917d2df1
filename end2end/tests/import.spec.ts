import { expect, test } from '@playwright/test';
import { expectAccessible, ready, signIn, uploadExtracts } from './support';

// The extracts the demo itself was built from (uploadExtracts): importing them again changes
// nothing, so the three projects can run this beside every other test.

test('the Service Desk uploads the ODS extracts and reads what changed', async ({ page }, info) => {
  test.slow(); // a whole flow across several pages and users
  const jsOn = info.project.name !== 'no-js';
  await signIn(page, info, 'service.desk');
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await ready(page, info);
  await page.getByRole('link', { name: 'Import ODS extracts' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/organisations/import');
  await ready(page, info);
  await expectAccessible(page);

  // Nothing chosen: each file is asked for at its field, and the ICB code typed is kept.
  await page.getByLabel('Only one ICB (optional)').fill('Q H M!');
  await page.getByRole('button', { name: 'Upload and import' }).click();
  await expect(page).toHaveURL((u) => u.searchParams.has('error'));
  await ready(page, info);
  const summary = page.getByRole('alert');
  await expect(summary).toContainText('Select the ICB list (icb.csv)');
  await expect(summary).toContainText('Select the commissioner extract (eccg.csv)');
  await expect(summary).toContainText('Select the GP practice extract (epraccur.csv)');
  await expect(page.locator('#only_icb-error')).toContainText('Enter an ODS code');
  await expect(page.getByLabel('Only one ICB (optional)')).toHaveValue('Q H M!');
  await expectAccessible(page);

  // The mobile user only asks what would change; the others import for real.
  const dryRun = info.project.name === 'mobile';
  await uploadExtracts(page, info, dryRun);
  const finished = page.getByRole('heading', { name: dryRun ? 'Dry run finished' : 'Import finished' });
  if (jsOn) {
    // The page follows the import by itself.
    await expect(finished).toBeVisible({ timeout: 30_000 });
  } else {
    for (let i = 0; i < 60 && !(await finished.isVisible()); i++) {
      await expect(page.getByRole('heading', { name: 'Importing organisations' })).toBeVisible();
      await page.getByRole('link', { name: 'Check progress' }).click();
      await ready(page, info);
    }
    await expect(finished).toBeVisible();
  }
  const value = (key: string) =>
    page.locator('.nhsuk-summary-list__row').filter({ has: page.getByText(key, { exact: true }) }).locator('dd');
  await expect(value('Added')).toHaveText('0');
  await expect(value('Updated')).toHaveText('0');
  await expect(value('Rejected')).toHaveText('0');
  await expect(value('Organisations read')).not.toHaveText('0');
  await expect(value('Unchanged')).toHaveText((await value('Organisations read').textContent()) ?? 'missing');
  if (dryRun) await expect(page.getByText('Nothing was changed. This is what the import would do.')).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Import more extracts' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/organisations/import');
});

test('an administrator has no upload', async ({ page }, info) => {
  await signIn(page, info, 'account.admin');
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await ready(page, info);
  await expect(page.getByRole('link', { name: 'Import ODS extracts' })).toHaveCount(0);
  await page.goto('/organisations/import');
  await ready(page, info);
  await expect(page.getByText('That was not found.')).toBeVisible();
  await expect(page.getByLabel('GP practices')).toHaveCount(0);
});
