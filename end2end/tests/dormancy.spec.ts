import { execFileSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { demo, expectAccessible, ready, signIn, signOut } from './support';

function sql(statement: string): string {
  return execFileSync('sqlite3', ['-cmd', '.timeout 10000', '.state/e2e.db', statement]).toString().trim();
}

test('an account nobody has used for longer than the rule allows is disabled by itself, and its owner told', async ({ page }, info) => {
  test.slow(); // the worker runs once a minute: up to a minute's wait
  // A member of staff at a practice, added 400 days ago and never signed in since, with the demo
  // password: put in through the demo database, as an account from before the rule was set.
  const email = `idle.${info.project.name.replace(/[^a-z]/g, '')}@example.nhs.uk`;
  sql(`INSERT INTO users (email, first_name, last_name, status, password_hash, created_at)
         SELECT '${email}', 'Ida', 'Idle', 'active', password_hash, CAST(strftime('%s', 'now') AS INTEGER) - 400 * 86400
         FROM users WHERE email = '${demo('account.admin')}';
       INSERT INTO role_assignments (user_id, organisation_id, role_id, status, created_at, origin)
         SELECT u.id, o.id, r.id, 'active', u.created_at, 'admin' FROM users u, organisations o, roles r
         WHERE u.email = '${email}' AND o.code = 'A81005' AND r.name = 'Provider User';`);

  // The server's worker finds it within a minute, with nothing else asked of the service.
  await expect
    .poll(() => sql(`SELECT status FROM users WHERE email = '${email}'`), { timeout: 75_000, intervals: [2_000] })
    .toBe('disabled');

  // Its owner, with the right password, is told it is disabled.
  await page.goto('/sign-in');
  await ready(page, info);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill('Gatehouse-Demo-2026!');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await ready(page, info);
  await expect(page.getByRole('alert')).toContainText('Your account has been disabled.');
  await expectAccessible(page);

  // An administrator of the practice sees it disabled.
  await signIn(page, info, 'account.admin');
  await ready(page, info);
  await page.goto(`/users?q=${encodeURIComponent(email)}`);
  await ready(page, info);
  await expect(page.getByRole('row').filter({ hasText: email })).toContainText('(disabled)');
  await signOut(page);

  // The Service Desk sees why on the audit trail, and the email that told the owner how to ask
  // for it back.
  await signIn(page, info, 'service.desk');
  await ready(page, info);
  await page.goto('/audit?action=account_disabled_unused');
  await ready(page, info);
  await expect(page.getByRole('row').filter({ hasText: email })).toContainText('Not used for 300 days');
  await expectAccessible(page);
  await page.goto('/outbox');
  await ready(page, info);
  const mail = page.locator('.gh-outbox__item').filter({ hasText: email });
  await expect(mail).toContainText('Your Gatehouse account has been disabled');
  await expect(mail).toContainText('has not been used for 300 days');
});
