import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { expectAccessible, ready, signIn, signOut } from './support';

/**
 * Nothing a person types into a form travels in an address: not after a failed sign-in, and not
 * at any step of Register, Invite, Add New User or Request Access, failed or not. Every request
 * the browser makes (pages, redirects, the fetches of the as-you-type matches) is recorded and
 * searched for what was typed, as it is and as a URL would encode it.
 */
function recorder(page: Page) {
  const urls: string[] = [];
  page.on('request', (r) => urls.push(r.url()));
  return {
    expectNone(typed: string[]) {
      const forms = typed.flatMap((t) => [
        t,
        encodeURIComponent(t),
        encodeURIComponent(t).replace(/%20/g, '+'),
        t.toLowerCase(),
      ]);
      const leaks = urls.filter((u) => u.includes('__err') || forms.some((f) => u.includes(f)));
      expect(leaks, 'addresses holding what was typed').toEqual([]);
      expect(urls.length).toBeGreaterThan(0);
    },
  };
}

const unique = (info: TestInfo, who: string) => `${who}.${info.project.name}.${Date.now()}@example.nhs.uk`;

test('a failed sign-in keeps the typed address off the address bar, and shows it once', async ({ page }, info) => {
  const urls = recorder(page);
  const email = 'someone.private@example.nhs.uk';
  await page.goto('/sign-in');
  await ready(page, info);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill('Not-The-Password-1');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await ready(page, info);
  await expect(page.locator('.nhsuk-error-summary')).toBeVisible();
  await expect(page.getByLabel('Email address')).toHaveValue(email);
  expect(new URL(page.url()).search).toBe('');
  // The problems are shown once: the page asked for again is the empty form.
  await page.reload();
  await ready(page, info);
  await expect(page.locator('.nhsuk-error-summary')).toHaveCount(0);
  await expect(page.getByLabel('Email address')).toHaveValue('');
  urls.expectNone([email]);
});

test('Register: no step puts the email address in an address', async ({ page }, info) => {
  const urls = recorder(page);
  const email = unique(info, 'private.register');
  await page.goto('/register');
  await ready(page, info);
  // A failed first step, then several matches to choose from.
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Next' }).click();
  await ready(page, info);
  await expect(page.locator('#organisation-error')).toBeVisible();
  await expect(page.getByLabel('Email address')).toHaveValue(email);
  await page.getByLabel('ODS code or organisation name').fill('Medical Centre');
  await page.getByRole('button', { name: 'Next' }).click();
  await ready(page, info);
  await page.locator('#matches').getByRole('button').first().click();
  await expect(page).toHaveURL((u) => u.pathname === '/register/details');
  await ready(page, info);
  await expect(page.getByRole('main').getByText(email)).toBeVisible();
  // A failed second step, then Register.
  await page.getByLabel('First name').fill('Priya');
  await page.getByRole('button', { name: 'Register' }).click();
  await ready(page, info);
  await expect(page.locator('#last_name-error')).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('radio').first().check();
  await page.getByLabel('Last name').fill('Privately');
  await page.getByRole('button', { name: 'Register' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/register/done');
  urls.expectNone([email, 'Priya', 'Privately']);
});

test('Invite: no step puts the invitee’s address or names in an address', async ({ page }, info) => {
  test.slow(); // five steps, two of them failed first
  const urls = recorder(page);
  const email = unique(info, 'private.invitee');
  await signIn(page, info, 'account.admin');
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await page.goto('/users/invite');
  await ready(page, info);
  await page.getByLabel('Email address').fill('not-an-address');
  await page.getByRole('button', { name: 'Next' }).click();
  await ready(page, info);
  await expect(page.locator('.nhsuk-error-summary')).toBeFocused();
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/users/invite/details');
  await ready(page, info);
  await page.getByLabel('First name').fill('Ines');
  await page.getByRole('button', { name: 'Next' }).click();
  await ready(page, info);
  await expect(page.locator('#last_name-error')).toBeVisible();
  await expect(page.getByLabel('First name')).toHaveValue('Ines');
  await page.getByLabel('Last name').fill('Invisible');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/users/invite/organisation');
  await ready(page, info);
  await expect(page.getByRole('heading', { name: 'Which organisation is Ines Invisible joining?' })).toBeVisible();
  await page.getByLabel('ODS code or organisation name').fill('A81001');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/users/invite/role');
  await ready(page, info);
  await page.getByRole('radio', { name: 'Provider User', exact: true }).check();
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/users/invite/preview');
  await ready(page, info);
  await expect(page.getByRole('main').getByText(email).first()).toBeVisible();
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/users');
  urls.expectNone([email, 'Ines', 'Invisible']);
});

test('Add New User: no step puts the new user’s details in an address', async ({ page }, info) => {
  test.slow(); // three steps, each failed first
  const urls = recorder(page);
  const email = unique(info, 'private.added');
  await signIn(page, info, 'account.admin');
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await page.goto('/users/new');
  await ready(page, info);
  await page.getByLabel('Email Address', { exact: true }).fill(email);
  await page.getByLabel('Confirm Email Address').fill(email.replace('private', 'privet'));
  await page.getByRole('button', { name: 'Continue' }).click();
  await ready(page, info);
  await expect(page.locator('.nhsuk-error-summary')).toContainText('The email addresses do not match');
  await page.getByLabel('Confirm Email Address').fill(email);
  await page.getByRole('button', { name: 'Continue' }).click();
  await ready(page, info);
  await expect(page.getByRole('heading', { name: 'User Information' })).toBeVisible();
  await page.getByLabel('First Name').fill('Ada');
  await page.getByLabel('Last Name').fill('Anonymous');
  await page.getByLabel('Telephone Number').fill('0191 765 4321');
  await page.getByLabel('Mobile Phone (optional)').fill('07700 900123');
  // Submit with no organisation: asked for, and everything typed is still there.
  await page.getByRole('button', { name: 'Submit' }).click();
  await ready(page, info);
  await expect(page.locator('#organisation-error')).toBeVisible();
  await expect(page.getByLabel('Telephone Number')).toHaveValue('0191 765 4321');
  await page.getByLabel('Search By Organisation ID or name').fill('A81001');
  await page.getByRole('button', { name: 'Search' }).click();
  await ready(page, info);
  await expect(page.getByLabel('Last Name')).toHaveValue('Anonymous');
  await page.getByLabel(/\(A81001\)/).check();
  await page.getByRole('button', { name: 'Submit' }).click();
  await ready(page, info);
  const densham = page.getByRole('group', { name: /\(A81001\)/ });
  await expect(densham).toBeVisible();
  // Back to the user information keeps it all.
  await page.getByRole('link', { name: 'Back', exact: true }).click();
  await ready(page, info);
  await expect(page.getByLabel('Mobile Phone (optional)')).toHaveValue('07700 900123');
  await page.getByRole('button', { name: 'Submit' }).click();
  await ready(page, info);
  await page.getByRole('group', { name: /\(A81001\)/ }).getByLabel('Provider User', { exact: true }).check();
  await page.getByRole('button', { name: 'Submit' }).click();
  await expect(page.getByText('You have successfully added the new user.')).toBeVisible();
  urls.expectNone([email, 'Ada', 'Anonymous', '0191 765 4321', '07700 900123']);
});

const practices: Record<string, string> = { desktop: 'A81023', mobile: 'A81025', 'no-js': 'A81026' };

test('Request Access: the reason never travels in an address', async ({ page }, info) => {
  test.slow(); // three steps and a failed one
  const urls = recorder(page);
  const code = practices[info.project.name];
  const reason = `Covering the Wednesday clinic ${info.project.name}`;
  // Someone no other spec follows, so a request of theirs changes nobody else's lists.
  await signIn(page, info, 'approver.tier2');
  await expect(page).not.toHaveURL((u) => u.pathname === '/sign-in');
  await page.goto('/my-profile/request-access');
  await ready(page, info);
  await page.getByLabel('Organisation name or ODS code').fill(code);
  if (info.project.name === 'no-js') await page.getByRole('button', { name: 'Search' }).click();
  const match = page.getByRole('radio', { name: new RegExp(`\\(${code}\\)`) });
  await expect(match).toBeVisible();
  await ready(page, info);
  await match.check();
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/my-profile/request-access/role');
  await ready(page, info);
  // A reason with no role: asked for the role, and the reason kept.
  await page.getByLabel('Reason', { exact: true }).fill(reason);
  await page.getByRole('button', { name: 'Next' }).click();
  await ready(page, info);
  await expect(page.locator('#role-error')).toBeVisible();
  await expect(page.getByLabel('Reason', { exact: true })).toHaveValue(reason);
  await page.getByRole('radio', { name: 'View', exact: true }).check();
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/my-profile/request-access/check');
  await ready(page, info);
  await expect(page.getByText(reason)).toBeVisible();
  // Change the reason: the role step has it filled in.
  await page.getByRole('link', { name: 'Back', exact: true }).click();
  await ready(page, info);
  await expect(page.getByLabel('Reason', { exact: true })).toHaveValue(reason);
  await page.getByRole('radio', { name: 'View', exact: true }).check();
  await page.getByRole('button', { name: 'Next' }).click();
  await ready(page, info);
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByText('Your request for access was successfully submitted')).toBeVisible();
  urls.expectNone([reason]);
});

test('what one person typed is not shown to the next person on the same browser', async ({ page }, info) => {
  const email = unique(info, 'private.shared');
  await signIn(page, info, 'account.admin');
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await page.goto('/users/invite');
  await ready(page, info);
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/users/invite/details');
  await ready(page, info);
  await signOut(page);
  await signIn(page, info, 'user.admin');
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await page.goto('/users/invite');
  await ready(page, info);
  await expect(page.getByLabel('Email address')).toHaveValue('');
  await page.goto('/users/invite/details');
  await ready(page, info);
  await expect(page.getByText(email)).toHaveCount(0);
  await expect(page.getByText('Start again from Users.')).toBeVisible();
});
