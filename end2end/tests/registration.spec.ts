import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { expectAccessible, jsOn, path, ready, signIn } from './support';

const STRONG = 'Correct-Horse-42!';

/** An address no other test or project uses. */
function address(info: TestInfo, local: string) {
  return `${local}.${info.project.name}.${Date.now()}@example.nhs.uk`;
}

async function signOut(page: Page, info: TestInfo) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/sign-in');
  await ready(page, info);
}

/** Register at The Densham Surgery: from the sign-in page's Register button to "under review". */
async function register(page: Page, info: TestInfo, email: string, first: string, last: string) {
  await page.goto('/sign-in');
  await ready(page, info);
  await page.getByRole('link', { name: 'Register', exact: true }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/register');
  await ready(page, info);
  await expectAccessible(page);
  await page.getByLabel('Email address').fill(email);
  if (jsOn(info)) {
    // Suggestions as you type, in place: the page is not reloaded and the field keeps focus.
    await page.evaluate(() => document.body.setAttribute('data-before-typing', 'yes'));
    await page.getByLabel('ODS code or organisation name').pressSequentially('Densham');
    const suggestion = page.getByRole('button', { name: 'The Densham Surgery (A81001)' });
    await expect(suggestion).toBeVisible();
    await expect(page.getByLabel('ODS code or organisation name')).toBeFocused();
    await expect(page.locator('body')).toHaveAttribute('data-before-typing', 'yes');
    await suggestion.click();
  } else {
    await page.getByLabel('ODS code or organisation name').fill('Densham');
    await page.getByRole('button', { name: 'Next' }).click();
  }
  await expect(page).toHaveURL((u) => u.pathname === '/register/details');
  await ready(page, info);
  await expect(page.getByRole('main').getByText('The Densham Surgery (A81001)')).toBeVisible();
  await expect(page.getByRole('main').getByText(email)).toBeVisible();
  // Only roles that can be held at a GP practice are offered.
  await expect(page.getByLabel('Commissioning Account Administrator')).toHaveCount(0);
  await expectAccessible(page);
  await page.getByLabel('Provider User').check();
  await page.getByLabel('First name').fill(first);
  await page.getByLabel('Last name').fill(last);
  await page.getByRole('button', { name: 'Register' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/register/done');
  await ready(page, info);
  await expect(page.getByRole('heading', { name: 'Your request is under review' })).toBeVisible();
  await expectAccessible(page);
}

/** The Service Desk reads the outbox (no SMTP in the test run) and returns the link in an email. */
async function linkFromOutbox(page: Page, info: TestInfo, to: string, subject: string) {
  await signIn(page, info, 'service.desk');
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await page.goto('/outbox');
  await ready(page, info);
  await expectAccessible(page);
  const mail = page.locator('.gh-outbox__item').filter({ hasText: to }).filter({ hasText: subject });
  await expect(mail).toHaveCount(1);
  const link = mail.getByRole('link');
  const href = (await link.count()) > 0 ? await link.first().getAttribute('href') : null;
  const body = await mail.locator('pre').innerText();
  await signOut(page, info);
  return { href, body };
}

test('register → the administrator approves → the email link sets the password → sign in', async ({ page }, info) => {
  test.slow(); // a whole flow across several pages and users
  const email = address(info, 'jo.bloggs');
  await register(page, info, email, 'Jo', `Bloggs${info.project.name}`);

  // The administrator is notified and reviews from Notifications.
  await signIn(page, info, 'account.admin');
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await ready(page, info);
  await expect(page.getByRole('link', { name: /Pending Actions/ })).toBeVisible();
  await page.getByRole('link', { name: /Notifications/ }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/notifications');
  await ready(page, info);
  const note = page.getByRole('listitem').filter({ hasText: `Jo Bloggs${info.project.name} has asked to register as Provider User` });
  await expect(note).toBeVisible();
  await expectAccessible(page);

  // Pending Actions lists it, with the self-registration's Role Reason.
  await page.goto('/pending-actions');
  await ready(page, info);
  await expect(page.getByRole('heading', { level: 1, name: 'Pending Actions' })).toBeVisible();
  const row = page.getByRole('row').filter({ hasText: email });
  await expect(row).toBeVisible();
  await expect(row).toContainText('New account and role by self registration');
  await expectAccessible(page);
  await row.getByRole('link', { name: /Review User/ }).click();
  await expect(page).toHaveURL((u) => /^\/pending-actions\/\d+$/.test(u.pathname));
  await ready(page, info);
  await expect(page.getByRole('heading', { name: `Details for Jo Bloggs${info.project.name}` })).toBeVisible();
  await expect(page.getByText('This may be a shared mailbox')).toHaveCount(0);
  await expectAccessible(page);
  await page.getByLabel('Approve', { exact: true }).check();
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/pending-actions');
  await ready(page, info);
  await expect(page.getByText('The request has been approved')).toBeVisible();
  // Approved, not yet activated: it stays; its name opens the review page, which now holds
  // Resend Registration Email and Delete Registration (the row keeps one link to Review User).
  const approved = page.getByRole('row').filter({ hasText: email });
  await expect(approved.getByRole('link')).toHaveCount(2);
  await approved.getByRole('link', { name: 'Jo', exact: true }).click();
  await expect(page).toHaveURL((u) => /^\/pending-actions\/\d+$/.test(u.pathname));
  await ready(page, info);
  await expect(page.getByRole('link', { name: 'Resend Registration Email' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Delete Registration' })).toBeVisible();
  await expectAccessible(page);
  await signOut(page, info);

  const { href } = await linkFromOutbox(page, info, email, 'your registration has been approved');
  expect(href).toContain('/activate?token=');
  // A mistyped link is titled as what its page says, not "Set your password".
  await page.goto(`${href!}x`);
  await ready(page, info);
  await expect(page.getByRole('heading', { name: 'This link is not valid' })).toBeVisible();
  await expect(page).toHaveTitle('This link is not valid - Gatehouse');
  await page.goto(href!);
  await ready(page, info);
  await expect(page.getByRole('heading', { name: 'Set your password' })).toBeVisible();
  await expect(page).toHaveTitle('Set your password - Gatehouse');
  await expect(page.getByText('at least 8 characters')).toBeVisible();
  await expectAccessible(page);

  // Each unmet rule is named after a failed submit.
  await page.getByLabel('New password', { exact: true }).fill('password');
  await page.getByLabel('Confirm new password').fill('password');
  await page.getByRole('button', { name: 'Set password' }).click();
  await ready(page, info);
  const summary = page.locator('.nhsuk-error-summary');
  await expect(summary).toContainText('Password must include an upper case letter');
  await expect(summary).toContainText('Password must include a number');
  await expect(summary).toContainText('Password must include a special character');
  await expectAccessible(page);

  await page.getByLabel('New password', { exact: true }).fill(STRONG);
  await page.getByLabel('Confirm new password').fill(STRONG);
  await page.getByRole('button', { name: 'Set password' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/sign-in');
  await ready(page, info);
  await expect(page.getByText('Your password has been set')).toBeVisible();
  await expectAccessible(page);

  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(STRONG);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await ready(page, info);
  await expect(page.getByText('You are signed in as Provider User for The Densham Surgery')).toBeVisible();

  // The link worked once.
  await page.goto(href!);
  await ready(page, info);
  await expect(page.getByRole('heading', { name: 'This link has already been used' })).toBeVisible();
  await expectAccessible(page);
});

test('a generic mailbox is flagged, and rejecting needs a reason that reaches the user', async ({ page }, info) => {
  test.slow(); // a whole flow across several pages and users
  const email = address(info, 'reception.team-a81001');
  await register(page, info, email, 'Reception', 'Staff');

  await signIn(page, info, 'user.admin');
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await page.goto('/pending-actions');
  await ready(page, info);
  await page.getByRole('row').filter({ hasText: email }).getByRole('link', { name: /Review User/ }).click();
  await ready(page, info);
  await expect(page.getByText('This may be a shared mailbox')).toBeVisible();
  await expect(page.getByText('The name “Reception” does not identify an individual.')).toBeVisible();
  await expectAccessible(page);

  // No reason: a message at the field, nothing decided.
  await page.getByLabel('Reject', { exact: true }).check();
  await page.getByRole('button', { name: 'Confirm' }).click();
  await ready(page, info);
  await expect(page.locator('#reason-error')).toContainText('Enter the reason for rejecting the request');
  await expectAccessible(page);

  const reason = 'Generic mailbox: please register with your own NHS email address';
  await page.getByLabel('Reject', { exact: true }).check();
  await page.getByLabel('Reason for rejecting').fill(reason);
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/pending-actions');
  await ready(page, info);
  await expect(page.getByText('The request has been rejected')).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: email })).toHaveCount(0);
  await signOut(page, info);

  const { body } = await linkFromOutbox(page, info, email, 'your registration has been rejected');
  expect(body).toContain(reason);
});

test('registration asks again at the field for bad input, and offers matches by name', async ({ page }, info) => {
  await page.goto('/register');
  await ready(page, info);
  await page.getByLabel('Email address').fill('not-an-email');
  await page.getByLabel('ODS code or organisation name').fill('Z99999');
  await page.getByRole('button', { name: 'Next' }).click();
  await ready(page, info);
  await expect(page.locator('#email-error')).toContainText('Enter an email address in the correct format');
  await expect(page.locator('#organisation-error')).toContainText('No open organisation has that ODS code or name');
  await expect(page.locator('.nhsuk-error-summary')).toBeFocused();
  await expectAccessible(page);

  // An address that already has an account is not told apart from a new one (a stranger could
  // ask about anyone's): it goes on to the next step like any other, and only its owner is
  // emailed if the registration is sent.
  await page.getByLabel('Email address').fill('provider.user@demo.gatehouse.example');
  await page.getByLabel('ODS code or organisation name').fill('A81001');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/register/details');
  await ready(page, info);
  await expect(page.getByText('An account already uses this email address')).toHaveCount(0);
  await page.goto('/register');
  await ready(page, info);

  // Several matches by name: a results page to choose from.
  await page.getByLabel('Email address').fill(address(info, 'chooser'));
  await page.getByLabel('ODS code or organisation name').fill('Medical Centre');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/register' && u.searchParams.get('q') === 'Medical Centre');
  await ready(page, info);
  const matches = page.locator('#matches');
  await expect(matches.getByRole('heading', { name: /Organisations matching/ })).toBeVisible();
  await expectAccessible(page);
  await matches.getByRole('button').first().click();
  await expect(page).toHaveURL((u) => u.pathname === '/register/details');
  await ready(page, info);

  // Nothing chosen: each field says what it needs.
  await page.getByRole('button', { name: 'Register' }).click();
  await ready(page, info);
  await expect(page.locator('#role-error')).toContainText('Select the role you will undertake');
  await expect(page.locator('#first_name-error')).toContainText('Enter your first name');
  await expect(page.locator('#last_name-error')).toContainText('Enter your last name');
  await expectAccessible(page);
  expect(path(page)).toBe('/register/details');
});

test('a search with more matches than are listed says so, and one match is one organisation', async ({ page }, info) => {
  await page.goto('/register');
  await ready(page, info);
  await page.getByLabel('Email address').fill('counting@example.nhs.uk');
  await page.getByLabel('ODS code or organisation name').fill('surgery');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/register' && u.searchParams.get('q') === 'surgery');
  await ready(page, info);
  const matches = page.locator('#matches');
  await expect(matches.getByText('Showing the first 20: type more of the name or the ODS code.')).toBeVisible();
  await expect(matches.getByRole('button')).toHaveCount(20);
  await expect(matches.getByText('20 organisations found')).toHaveCount(0);
  await expectAccessible(page);
});

test('on a phone, where the column headings are hidden, Pending Actions sorts with a Sort by select', async ({ page }, info) => {
  test.slow();
  await register(page, info, `sort.by.${info.project.name}@example.nhs.uk`, 'Sam', `Sortby${info.project.name}`);
  await signIn(page, info, 'account.admin');
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await ready(page, info);
  // With something waiting, Pending Actions is the first tile: the top of Home on a phone.
  await expect(page.locator('.nhsuk-card__link').first()).toContainText('Pending Actions');
  await page.goto('/pending-actions');
  await ready(page, info);
  const sortBy = page.getByLabel('Sort by');
  if ((page.viewportSize()?.width ?? 1280) > 640) {
    // Wide screens sort from the column headings instead.
    await expect(sortBy).toBeHidden();
    await expect(page.getByRole('columnheader', { name: /Email/ })).toBeVisible();
    return;
  }
  await expect(sortBy).toBeVisible();
  await sortBy.selectOption({ label: 'Email' });
  await page.getByLabel('Order').selectOption('asc');
  await page.getByRole('button', { name: 'Sort', exact: true }).click();
  await expect(page).toHaveURL((u) => u.searchParams.get('sort') === 'email' && u.searchParams.get('dir') === 'asc');
  await ready(page, info);
  await expect(page.getByLabel('Sort by')).toHaveValue('email');
  await expect(page.getByRole('row').filter({ hasText: `sort.by.${info.project.name}@example.nhs.uk` })).toBeVisible();
  await expectAccessible(page);
});
