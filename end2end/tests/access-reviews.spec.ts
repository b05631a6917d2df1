import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { expectAccessible, jsOn, ready, signIn } from './support';

// Each project reviews its own practice, so parallel runs never end one another's roles.
const practices: Record<string, string> = { desktop: 'A81030', mobile: 'A81031', 'no-js': 'A81032' };

function sql(statement: string): string {
  return execFileSync('sqlite3', ['-cmd', '.timeout 10000', '.state/e2e.db', statement]).toString().trim();
}

/**
 * Thirty members of staff with a Provider User role at the practice, put in through the demo
 * database (as an import of a real practice's staff would), each named after the project.
 */
function thirtyStaffAt(code: string, project: string): string[] {
  const tag = project.replace(/[^a-z]/g, '');
  const emails = Array.from({ length: 30 }, (_, i) => `review.${tag}.${String(i).padStart(2, '0')}@example.nhs.uk`);
  const values = emails.map((e, i) => `('${e}', 'Rev', '${tag}${String(i).padStart(2, '0')}', 'active', 1)`).join(', ');
  sql(
    `INSERT INTO users (email, first_name, last_name, status, created_at) VALUES ${values};
     INSERT INTO role_assignments (user_id, organisation_id, role_id, status, created_at, origin)
       SELECT u.id, o.id, r.id, 'active', 1, 'admin' FROM users u, organisations o, roles r
       WHERE u.email LIKE 'review.${tag}.%' AND o.code = '${code}' AND r.name = 'Provider User';`,
  );
  return emails;
}

test('an administrator reviews a practice of 30 roles: keeps most, ends two, completes, downloads', async ({ page }, info) => {
  test.slow(); // five pages, each scanned, and a download
  const code = practices[info.project.name];
  const emails = thirtyStaffAt(code, info.project.name);
  const practice = sql(`SELECT name FROM organisations WHERE code = '${code}'`);

  await signIn(page, info, 'account.admin');
  await ready(page, info);
  await page.getByRole('link', { name: 'Access reviews' }).first().click();
  await ready(page, info);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Access reviews');
  await expectAccessible(page);

  // A code outside the area is refused at its field; then the practice is.
  await page.getByRole('radio', { name: 'One organisation' }).check();
  await page.getByLabel('ODS code of the organisation').fill('P84001');
  await page.getByRole('button', { name: 'Start review' }).click();
  await ready(page, info);
  await expect(page.locator('#code-error')).toContainText('Enter the ODS code of an organisation in your area');
  await expectAccessible(page);
  await page.getByRole('radio', { name: 'One organisation' }).check();
  await page.getByLabel('ODS code of the organisation').fill(code);
  await page.getByLabel('Due in (days)').fill('14');
  await page.getByRole('button', { name: 'Start review' }).click();
  await ready(page, info);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Review access for ${practice}`);
  await expect(page.locator('#progress')).toContainText('0 of 30 reviewed');
  await expect(page.getByRole('table').locator('caption')).toHaveText('30 roles match, page 1 of 2');
  await expectAccessible(page);

  // Keep every row of the first page at once.
  await page.getByLabel('Select all rows on this page').check();
  await page.getByRole('button', { name: 'Keep the ticked rows' }).click();
  await ready(page, info);
  await expect(page.getByText('Saved: 25 rows marked.')).toBeVisible();
  await expect(page.locator('#progress')).toContainText('25 of 30 reviewed');

  // End access for one row without a reason: refused at the reason.
  const first = `Rev ${info.project.name.replace(/[^a-z]/g, '')}00`;
  await page.getByRole('button', { name: `End access ${first} as Provider User` }).click();
  await ready(page, info);
  await expect(page.locator('#reason-error')).toContainText('Enter why access ends');
  await expectAccessible(page);
  // Then two ticked rows, with the reason.
  await page.getByLabel('Why access ends').fill('Left the practice in March');
  await page.getByLabel(`Select ${first} as Provider User`).check();
  await page.getByLabel(`Select Rev ${info.project.name.replace(/[^a-z]/g, '')}01 as Provider User`).check();
  await page.getByRole('button', { name: 'End access for the ticked rows' }).click();
  await ready(page, info);
  await expect(page.getByText('Saved: 2 rows marked.')).toBeVisible();
  await expect(page.locator('#progress')).toContainText('25 of 30 reviewed (23 to keep, 2 to end)');

  // Only the rows marked to end: with JavaScript the list follows the choice at once.
  await page.getByLabel('Show', { exact: true }).selectOption('to-end');
  if (!jsOn(info)) await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page.getByRole('table').locator('caption')).toHaveText('2 roles match, page 1 of 1');
  await expect(page.getByRole('table')).toContainText('End access: Left the practice in March');

  // Complete, confirmed.
  await page.getByRole('link', { name: 'Complete review' }).click();
  await ready(page, info);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Complete the review of ${practice}`);
  await expect(page.getByRole('main')).toContainText('2 roles marked to end will end now');
  await expect(page.getByRole('main')).toContainText('5 roles not reviewed will be kept');
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Complete review' }).click();
  await ready(page, info);
  await expect(page.getByText('The review is complete. 2 roles ended; 28 roles kept.')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Complete review' })).toHaveCount(0);
  await expectAccessible(page);
  expect(sql(`SELECT COUNT(*) FROM role_assignments a JOIN users u ON u.id = a.user_id
              WHERE u.email IN ('${emails[0]}', '${emails[1]}') AND a.status = 'revoked'`)).toBe('2');
  expect(sql(`SELECT COUNT(*) FROM role_assignments a JOIN users u ON u.id = a.user_id
              WHERE u.email LIKE 'review.${info.project.name.replace(/[^a-z]/g, '')}.%' AND a.status = 'active'`)).toBe('28');

  // The download: a line per role, with what the review decided.
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Download the whole review as CSV' }).click();
  const file = await (await download).path();
  const csv = readFileSync(file, 'utf8');
  expect(csv.trim().split('\n')).toHaveLength(31);
  expect(csv.match(/,Ended,Left the practice in March,/g)).toHaveLength(2);
  expect(csv.match(/Kept \(not reviewed\)/g)).toHaveLength(5);
});
