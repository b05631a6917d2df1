import { execFileSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { expectAccessible, ownUser, PASSWORD, ready } from './support';

// The example service of examples/claims-service, started beside the main server by
// playwright.config.ts: a real relying party, written with the `openidconnect` crate.
const SERVICE = 'http://localhost:4000';

function sql(statement: string): string {
  return execFileSync('sqlite3', ['-cmd', '.timeout 10000', '.state/e2e.db', statement]).toString().trim();
}

test('the example claims service signs a person in through Gatehouse, shows their role, and drops them when it is revoked', async ({ page }, info) => {
  test.slow(); // two servers, a sign-in, and the wait for the back-channel logout
  const email = ownUser(info, 'claims', 'Commissioning Finance', 'QHM');
  await page.goto(`${SERVICE}/`);
  await page.getByRole('link', { name: 'Sign in with Gatehouse' }).click();
  await ready(page, info);
  await expectAccessible(page);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${SERVICE}/`);
  await expect(page.locator('main')).toContainText(
    'Acting as Commissioning Finance at NHS North East and North Cumbria Integrated Care Board (QHM)',
  );
  await expect(page.locator('main')).toContainText('every payment type');

  sql(`UPDATE role_assignments SET status = 'revoked' WHERE user_id = (SELECT id FROM users WHERE email = '${email}')`);
  await expect
    .poll(
      async () => {
        await page.reload();
        return page.locator('main').innerText();
      },
      { timeout: 20_000 },
    )
    .toContain('You have been signed out');
});
