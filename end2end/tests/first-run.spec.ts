import { execFileSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { expectAccessible, ready, totp, uploadExtracts } from './support';

// A real deployment's first day, on a second server with a database that is not demo data (see
// playwright.config.ts): the operator makes the first Service Desk account on the command line,
// its owner sets a password through the printed link, signs in, sets up two-factor
// authentication (the default policy asks it of the Service Desk), and loads the organisations by
// uploading the ODS extracts.
const FIRST_RUN = `http://127.0.0.1:${Number(process.env.E2E_PORT ?? 3100) + 1}`;
const STRONG = 'Quiet-Harbour-93!';

/** `gatehouse create-service-desk`, run as the operator would, and the link it printed. */
function createServiceDesk(email: string): string {
  const out = execFileSync(
    '../target/debug/gatehouse',
    ['create-service-desk', '--email', email, '--first-name', 'Fran', '--last-name', 'First'],
    {
      encoding: 'utf8',
      env: {
        ...process.env,
        DATABASE_URL: 'sqlite://.state/first-run.db',
        GATEHOUSE_PUBLIC_URL: FIRST_RUN,
        RUST_LOG: 'warn',
      },
    },
  );
  expect(out).toContain('Made a Service Desk account');
  const link = out.split('\n').find((l) => l.includes('/activate?token='));
  if (!link) throw new Error(`no link in: ${out}`);
  return link.trim();
}

test('the first Service Desk of a new database signs in through the link and imports the organisations', async ({
  page,
}, info) => {
  test.slow(); // a whole flow: the command line, two pages of sign-in and an import
  const email = `first.desk.${info.project.name}@example.nhs.uk`;
  const link = createServiceDesk(email);
  expect(link.startsWith(`${FIRST_RUN}/activate?token=`)).toBe(true);

  await page.goto(link);
  await ready(page, info);
  await expect(page.getByRole('heading', { name: 'Set your password' })).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel('New password', { exact: true }).fill(STRONG);
  await page.getByLabel('Confirm new password').fill(STRONG);
  await page.getByRole('button', { name: 'Set password' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/sign-in');
  await ready(page, info);
  await expect(page.getByText('Your password has been set')).toBeVisible();

  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(STRONG);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // The Service Desk administers everyone: nothing else until a second factor is set up.
  await expect(page).toHaveURL((u) => u.pathname === '/two-factor/set-up');
  await ready(page, info);
  const key = (await page.locator('#totp-secret').textContent()) ?? '';
  await page.getByLabel('Code from your authenticator app').fill(totp(key));
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/two-factor/recovery-codes');
  await ready(page, info);
  await page.getByRole('link', { name: 'Continue' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await ready(page, info);
  await expect(page.getByText('You are signed in as Service Desk')).toBeVisible();
  await expectAccessible(page);

  await page.getByRole('link', { name: 'Import ODS extracts' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/organisations/import');
  await ready(page, info);
  await uploadExtracts(page, info);
  const finished = page.getByRole('heading', { name: 'Import finished' });
  if (info.project.name !== 'no-js') {
    await expect(finished).toBeVisible({ timeout: 30_000 });
  } else {
    for (let i = 0; i < 60 && !(await finished.isVisible()); i++) {
      await page.getByRole('link', { name: 'Check progress' }).click();
      await ready(page, info);
    }
    await expect(finished).toBeVisible();
  }
  const value = (key: string) =>
    page.locator('.nhsuk-summary-list__row').filter({ has: page.getByText(key, { exact: true }) }).locator('dd');
  await expect(value('Rejected')).toHaveText('0');
  await expect(value('Organisations read')).not.toHaveText('0');
  await expectAccessible(page);

  // The organisations are there for the Service Desk to find.
  await page.goto(`${FIRST_RUN}/organisations?q=A81001`);
  await ready(page, info);
  await expect(page.getByRole('row').filter({ hasText: 'A81001' })).toContainText('Densham');
});
