import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { expectAccessible, jsOn, ready, signIn } from './support';

type Plan = { me: string; approve: string; reject: string; withdraw: string };

// Each project has its own locum and practices, so parallel runs never share a request.
const plans: Record<string, Plan> = {
  desktop: { me: 'locum.one', approve: 'A81009', reject: 'A81011', withdraw: 'A81014' },
  mobile: { me: 'locum.two', approve: 'A81016', reject: 'A81017', withdraw: 'A81018' },
  'no-js': { me: 'locum.three', approve: 'A81019', reject: 'A81020', withdraw: 'A81021' },
};

const mine = (info: TestInfo) => plans[info.project.name];

/** My Profile → Request Access → organisation → role and reason → check → Send. */
async function ask(page: Page, info: TestInfo, code: string, role: string, reason: string, scan = false) {
  await page.goto('/my-profile');
  await ready(page, info);
  await page.getByRole('link', { name: 'Request Access' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/my-profile/request-access');
  await ready(page, info);
  if (scan) await expectAccessible(page);
  await page.getByLabel('Organisation name or ODS code').fill(code);
  if (!jsOn(info)) await page.getByRole('button', { name: 'Search' }).click();
  // With JavaScript the matches appear as you type.
  const match = page.getByRole('radio', { name: new RegExp(`\\(${code}\\)`) });
  await expect(match).toBeVisible();
  await ready(page, info);
  if (scan) await expectAccessible(page);
  await match.check();
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/my-profile/request-access/role');
  await ready(page, info);
  await page.getByRole('radio', { name: role, exact: true }).check();
  if (scan) {
    // No reason: asked for at the field.
    await page.getByRole('button', { name: 'Next' }).click();
    await expect(page.locator('#reason-error')).toContainText('Enter the reason you need this role');
    await expectAccessible(page);
    await page.getByRole('radio', { name: role, exact: true }).check();
  }
  await page.getByLabel('Reason', { exact: true }).fill(reason);
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/my-profile/request-access/check');
  await ready(page, info);
  await expect(page.getByRole('heading', { name: 'Check your request' })).toBeVisible();
  await expect(page.getByText(reason)).toBeVisible();
  if (scan) await expectAccessible(page);
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/my-profile/roles');
  await expect(page.getByText('Your request for access was successfully submitted')).toBeVisible();
  await ready(page, info);
}

function row(page: Page, code: string) {
  return page.getByRole('row').filter({ hasText: `(${code})` });
}

/**
 * The administrator finds the locum on Users and opens the request waiting there: by Review, or
 * as the job aid says, by the Users tile, View, then View beside the organisation whose status
 * is "Pending Access Request".
 */
async function openReview(admin: Page, info: TestInfo, me: string, code: string, jobAid = false) {
  if (jobAid) {
    await admin.goto('/');
    await ready(admin, info);
    await admin.getByRole('link', { name: 'Users', exact: true }).click();
  } else {
    await admin.goto('/users');
  }
  await ready(admin, info);
  await admin.getByLabel('Search Firstname, Lastname, Email, ODS Code or Organisation').fill(me);
  if (!jsOn(info)) await admin.getByRole('button', { name: 'Search' }).click();
  await ready(admin, info);
  const user = admin.getByRole('row').filter({ hasText: `${me}@` });
  await expect(user).toContainText('Yes');
  if (jobAid) {
    await user.getByRole('link', { name: /^View/ }).click();
    await expect(admin).toHaveURL((u) => /^\/users\/\d+$/.test(u.pathname));
    await ready(admin, info);
    const waiting = admin.getByRole('row').filter({ hasText: `(${code})` });
    await expect(waiting).toContainText('Pending Access Request');
    await waiting.getByRole('link', { name: /^View/ }).click();
  } else {
    await user.getByRole('link', { name: /Review/ }).click();
  }
  await expect(admin.getByRole('heading', { name: /Access request from/ })).toBeVisible();
  await ready(admin, info);
  await expect(admin.getByText(`(${code})`)).toBeVisible();
}

test('a locum asks for access, is approved, rejected with a reason and withdraws', async ({ page, browser }, info) => {
  test.setTimeout(180_000);
  const p = mine(info);
  await signIn(page, info, p.me);
  await expect(page).toHaveURL((u) => u.pathname === '/');
  // My Profile's tiles; User Details shows who is signed in.
  await page.goto('/my-profile');
  await ready(page, info);
  const tiles = page.locator('.nhsuk-card__heading');
  for (const t of ['User Details', 'Available Roles', 'Request Access', 'Notification Settings', 'Disable Account']) {
    await expect(tiles.filter({ hasText: t })).toHaveCount(1);
  }
  await page.getByRole('link', { name: 'User Details' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/my-profile/details');
  await ready(page, info);
  await expect(page.getByText(`${p.me}@demo.gatehouse.example`)).toBeVisible();
  await expectAccessible(page);
  await ask(page, info, p.approve, 'Provider User', 'I cover this practice on Tuesdays', true);
  await expect(row(page, p.approve)).toContainText('Pending');
  await expect(row(page, p.approve).getByRole('link', { name: /Withdraw/ })).toBeVisible();
  await expectAccessible(page);

  // The administrator of the area, in their own browser, approves it from Users.
  const adminContext = await browser.newContext({ javaScriptEnabled: jsOn(info), viewport: page.viewportSize() });
  const admin = await adminContext.newPage();
  try {
    await signIn(admin, info, 'account.admin');
    await expect(admin).toHaveURL((u) => u.pathname === '/');
    await openReview(admin, info, p.me, p.approve);
    await expect(admin.getByText('I cover this practice on Tuesdays')).toBeVisible();
    await expectAccessible(admin);
    await admin.getByRole('radio', { name: 'Approve' }).check();
    await admin.getByRole('button', { name: 'Confirm' }).click();
    await expect(admin.getByText('The request has been approved')).toBeVisible();
    await ready(admin, info);
    await expect(admin.getByRole('row').filter({ hasText: `(${p.approve})` })).toContainText('Approved');

    // Still signed in, the locum switches to the new practice: on their next page Switch Role is
    // offered, now that they hold a second role.
    await page.goto('/my-profile');
    await ready(page, info);
    await page.getByRole('link', { name: 'Switch Role' }).first().click();
    await expect(page).toHaveURL((u) => u.pathname === '/select-account');
    await ready(page, info);
    await page.getByRole('button', { name: new RegExp(p.approve) }).click();
    await expect(page).toHaveURL((u) => u.pathname === '/');
    await ready(page, info);
    await expect(page.getByText(/You are signed in as Provider User for/)).not.toContainText('The Densham Surgery');

    // Two more: one to be rejected, one withdrawn before anyone looks.
    await ask(page, info, p.withdraw, 'View', 'Covering a colleague');
    await row(page, p.withdraw).getByRole('link', { name: /Withdraw/ }).click();
    await expect(page).toHaveURL((u) => u.pathname.endsWith('/withdraw'));
    await ready(page, info);
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Confirm' }).click();
    await expect(page.getByText('Your request has been withdrawn.')).toBeVisible();
    await ready(page, info);
    await expect(row(page, p.withdraw)).toContainText('Withdrawn');
    await expect(row(page, p.withdraw).getByRole('link', { name: /Withdraw/ })).toHaveCount(0);

    await ask(page, info, p.reject, 'View', 'Covering a colleague');
    await openReview(admin, info, p.me, p.reject, true);
    await admin.getByRole('radio', { name: 'Reject' }).check();
    await admin.getByRole('button', { name: 'Confirm' }).click();
    await expect(admin.locator('#reason-error')).toContainText('Enter the reason for rejecting the request');
    await ready(admin, info);
    await expectAccessible(admin);
    await admin.getByRole('radio', { name: 'Reject' }).check();
    await admin.getByLabel('Reason for rejecting').fill('Not on our staff list');
    await admin.getByRole('button', { name: 'Confirm' }).click();
    await expect(admin.getByText('The request has been rejected')).toBeVisible();

    await page.reload();
    await ready(page, info);
    await expect(row(page, p.reject)).toContainText('Rejected: Not on our staff list');
    await expect(row(page, p.approve)).toContainText('Approved');
  } finally {
    await adminContext.close();
  }
});

test('tier 1 and tier 2 cannot be held together at one organisation', async ({ page }, info) => {
  await signIn(page, info, 'commissioner.tier1');
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await page.goto('/my-profile/request-access/role?org=QHM');
  await ready(page, info);
  await page.getByRole('radio', { name: 'Commissioning Approver (tier 2)' }).check();
  await page.getByLabel('Reason', { exact: true }).fill('I approve claims too');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.locator('#role-error')).toContainText(
    'Commissioning User (tier 1) and Commissioning Approver (tier 2) cannot be held together',
  );
  await ready(page, info);
  await expectAccessible(page);
});
