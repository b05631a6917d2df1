import { execFileSync } from 'node:child_process';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { Issuer, generators } from 'openid-client';
import { demo, expectAccessible, PASSWORD, path, ready, signOut, totp } from './support';

// The server whose policy is the default: everyone who administers others must have a second
// factor (playwright.config.ts starts it beside the main one).
const port = Number(process.env.E2E_PORT ?? 3100) + 2;
test.use({ baseURL: `http://127.0.0.1:${port}` });

function sql(statement: string): string {
  return execFileSync('sqlite3', ['-cmd', '.timeout 10000', '.state/two-factor.db', statement]).toString().trim();
}

/** A secret for a test's own phone (base32, 160 bits), different for each person. */
function secretFor(email: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let s = '';
  for (let i = 0; s.length < 32; i++) s += alphabet[(email.charCodeAt(i % email.length) * (i + 7)) % 32];
  return s;
}

/**
 * A person of this test alone (each project signs in as its own people, so no code is used twice
 * by another browser): the demo password, one role, and an authenticator app when `secret` says.
 */
function person(info: TestInfo, name: string, role: string, org: string, secret?: string): string {
  const email = `${name}.${info.project.name.replace(/[^a-z]/g, '')}@example.nhs.uk`;
  sql(`INSERT INTO users (email, first_name, last_name, status, password_hash, created_at)
         SELECT '${email}', 'Tess', '${name.replace(/[^a-z]/gi, '')}', 'active', password_hash, CAST(strftime('%s', 'now') AS INTEGER)
         FROM users WHERE email = '${demo('account.admin')}';
       INSERT INTO role_assignments (user_id, organisation_id, role_id, status, created_at, origin)
         SELECT u.id, o.id, r.id, 'active', u.created_at, 'admin' FROM users u, organisations o, roles r
         WHERE u.email = '${email}' AND o.code = '${org}' AND r.name = '${role}';`);
  if (secret) {
    sql(`INSERT INTO authenticator_apps (user_id, secret, created_at, confirmed_at, last_step)
           SELECT id, '${secret}', created_at, created_at, 0 FROM users WHERE email = '${email}';`);
  }
  return email;
}

async function password(page: Page, info: TestInfo, email: string) {
  await page.goto('/sign-in');
  await ready(page, info);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await ready(page, info);
}

async function enterCode(page: Page, code: string) {
  await page.getByLabel('6-digit code').fill(code);
  await page.getByRole('button', { name: 'Continue' }).click();
}

test('an administrator without a second factor sets up an app, then signs in with it and with a recovery code', async ({ page }, info) => {
  test.slow(); // three sign-ins, each with its second step, and a scan of each page
  const email = person(info, 'new.admin', 'Commissioning Account Administrator', 'QHM');
  await password(page, info, email);

  // Sent straight to set-up: nothing else works until it is done.
  await expect(page).toHaveURL((u) => u.pathname === '/two-factor/set-up');
  await expect(page.getByText('Set it up to carry on')).toBeVisible();
  await expect(page.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  await expectAccessible(page);
  await page.goto('/users');
  await ready(page, info);
  await expect(page).toHaveURL((u) => u.pathname === '/two-factor/set-up');

  // The key typed into an app instead of scanning; a wrong code first.
  const secret = (await page.locator('#totp-secret').textContent()) ?? '';
  expect(secret.replace(/\s/g, '')).toHaveLength(32);
  await page.getByLabel('Code from your authenticator app').fill('12345');
  await page.getByRole('button', { name: 'Continue' }).click();
  await ready(page, info);
  await expect(page.getByRole('alert')).toContainText('Enter the 6-digit code from your authenticator app');
  await expectAccessible(page);
  await page.getByLabel('Code from your authenticator app').fill(totp(secret));
  await page.getByRole('button', { name: 'Continue' }).click();
  await ready(page, info);

  // Ten recovery codes, once.
  await expect(page).toHaveURL((u) => u.pathname === '/two-factor/recovery-codes');
  await expect(page.getByText('Two-factor authentication is set up.')).toBeVisible();
  const codes = await page.locator('.gh-recovery-codes code').allTextContents();
  expect(codes).toHaveLength(10);
  await expectAccessible(page);
  await page.getByRole('link', { name: 'Continue' }).click();
  await ready(page, info);
  await expect(page).toHaveURL((u) => u.pathname === '/');

  // My Profile says so.
  await page.goto('/my-profile/two-factor');
  await ready(page, info);
  await expect(page.getByText('10 of 10 unused')).toBeVisible();
  await expectAccessible(page);
  await signOut(page);

  // Next time: the password, then the app's code (the next step's: the set-up used this one).
  await password(page, info, email);
  await expect(page).toHaveURL((u) => u.pathname === '/two-factor/code');
  await expect(page.getByRole('heading', { name: 'Enter the code from your authenticator app' })).toBeVisible();
  await expectAccessible(page);
  await enterCode(page, totp(secret, 1));
  await ready(page, info);
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await signOut(page);

  // Without the phone: a recovery code, typed in lower case.
  await password(page, info, email);
  await page.getByRole('link', { name: 'Use a recovery code' }).click();
  await ready(page, info);
  await expectAccessible(page);
  await page.getByLabel('Recovery code').fill(codes[2].toLowerCase());
  await page.getByRole('button', { name: 'Continue' }).click();
  await ready(page, info);
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await page.goto('/my-profile/two-factor');
  await ready(page, info);
  await expect(page.getByText('9 of 10 unused')).toBeVisible();
});

test('five wrong codes lock the account and sign it out', async ({ page }, info) => {
  const email = person(info, 'guessed', 'User Administrator', 'A81001', secretFor(`guessed${info.project.name}`));
  await password(page, info, email);
  await expect(page).toHaveURL((u) => u.pathname === '/two-factor/code');
  for (let i = 0; i < 4; i++) {
    await enterCode(page, `00000${i}`);
    await ready(page, info);
    await expect(page.getByRole('alert')).toContainText('The code is not right');
  }
  await expectAccessible(page);
  await enterCode(page, '000009');
  await ready(page, info);
  await expect(page).toHaveURL((u) => u.pathname === '/sign-in');
  await expect(page.getByRole('alert')).toContainText('Your account is locked');
  await expectAccessible(page);
  expect(sql(`SELECT locked_at IS NOT NULL FROM users WHERE email = '${email}'`)).toBe('1');
});

test('disabling an account asks for the code again after fifteen minutes, then carries on as filled in', async ({ page }, info) => {
  test.slow(); // a sign-in, the disabling form and its second code
  const secret = secretFor(`stepper${info.project.name}`);
  const email = person(info, 'stepper', 'Commissioning Account Administrator', 'QHM', secret);
  const staff = person(info, 'leaver', 'Provider User', 'A81004');
  const staffId = sql(`SELECT id FROM users WHERE email = '${staff}'`);
  await password(page, info, email);
  await enterCode(page, totp(secret));
  await ready(page, info);
  await expect(page).toHaveURL((u) => u.pathname === '/');
  // The code was used sixteen minutes ago.
  sql(`UPDATE sessions SET second_factor_at = second_factor_at - 960
         WHERE user_id = (SELECT id FROM users WHERE email = '${email}')`);

  await page.goto(`/users/${staffId}`);
  await ready(page, info);
  await page.getByLabel('Disabled', { exact: true }).check();
  await page.getByRole('button', { name: 'Submit' }).click();
  await ready(page, info);
  await page.getByLabel('Other', { exact: true }).check();
  await page.getByLabel('If Other, the reason').fill('Left the practice');
  await page.getByRole('button', { name: 'Confirm' }).click();
  await ready(page, info);

  // Asked again; nothing done yet.
  await expect(page).toHaveURL((u) => u.pathname === '/two-factor/code');
  await expect(page.getByText('This change needs you to confirm it is you')).toBeVisible();
  await expectAccessible(page);
  expect(sql(`SELECT status FROM users WHERE id = ${staffId}`)).toBe('active');
  await enterCode(page, totp(secret, 1));
  await ready(page, info);
  await expect(page).toHaveURL((u) => u.pathname === '/two-factor/carry-on');
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Continue' }).click();
  await ready(page, info);
  await expect(page.getByText('The account has been disabled.')).toBeVisible();
  expect(path(page)).toBe(`/users/${staffId}`);
  expect(sql(`SELECT status FROM users WHERE id = ${staffId}`)).toBe('disabled');
});

test('the Service Desk resets the two-factor authentication of someone who lost their phone', async ({ page }, info) => {
  test.slow(); // the desk signs in with its code, then the reset form
  const deskSecret = secretFor(`desk${info.project.name}`);
  const desk = person(info, 'desk', 'Service Desk', 'GATEHOUSE', deskSecret);
  const lost = person(info, 'lost.phone', 'User Administrator', 'A81001', secretFor(`lost${info.project.name}`));
  const lostId = sql(`SELECT id FROM users WHERE email = '${lost}'`);
  await password(page, info, desk);
  await enterCode(page, totp(deskSecret));
  await ready(page, info);

  await page.goto(`/users/${lostId}`);
  await ready(page, info);
  await page.getByRole('link', { name: 'Reset two-factor authentication' }).click();
  await ready(page, info);
  await expect(page.getByRole('heading', { name: 'Reset two-factor authentication' })).toBeVisible();
  await page.getByRole('button', { name: 'Reset two-factor authentication' }).click();
  await ready(page, info);
  await expect(page.getByRole('alert')).toContainText('Enter why you are resetting two-factor authentication');
  await expectAccessible(page);
  await page.getByLabel('Why are you resetting it?').fill('Lost phone; identity checked by calling the practice back');
  await page.getByRole('button', { name: 'Reset two-factor authentication' }).click();
  await ready(page, info);
  await expect(page.getByText('Two-factor authentication has been reset.')).toBeVisible();
  expect(sql(`SELECT COUNT(*) FROM authenticator_apps WHERE user_id = ${lostId}`)).toBe('0');

  // Its owner, at the next sign-in, is sent to set up a new app.
  await signOut(page);
  await password(page, info, lost);
  await expect(page).toHaveURL((u) => u.pathname === '/two-factor/set-up');
});

test.describe('passkeys', () => {
  // A passkey's relying party is a domain name, never an address: the browser comes by name.
  test.use({ baseURL: `http://localhost:${port}` });

  test('an administrator adds a passkey instead of an app, signs in with it, and removes it', async ({ page }, info) => {
    test.slow(); // two sign-ins, two WebAuthn ceremonies and a scan of each page
    const email = person(info, 'keyholder', 'Commissioning Account Administrator', 'QHM');
    if (info.project.name === 'no-js') {
      // Passkeys need the browser's WebAuthn API: without JavaScript the page says so, and the
      // authenticator app (walked above without JavaScript) is the way in.
      await password(page, info, email);
      await expect(page).toHaveURL((u) => u.pathname === '/two-factor/set-up');
      await expect(page.getByText('Adding a passkey needs JavaScript')).toBeVisible();
      await expect(page.getByRole('button', { name: 'Add a passkey' })).toBeDisabled();
      await expectAccessible(page);
      return;
    }
    // Chromium's virtual authenticator: a platform key with a fingerprint that always matches.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    await password(page, info, email);
    await expect(page).toHaveURL((u) => u.pathname === '/two-factor/set-up');

    // No name: said at the field, nothing made.
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await expect(page.getByRole('alert')).toContainText('Enter a name for the passkey');
    await page.getByLabel('Name for the passkey').fill('Work laptop');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.waitForURL((u) => u.pathname === '/two-factor/recovery-codes');
    await ready(page, info);
    // The first second factor: recovery codes with it.
    await expect(page.locator('.gh-recovery-codes code')).toHaveCount(10);
    await page.getByRole('link', { name: 'Continue' }).click();
    await ready(page, info);
    await expect(page).toHaveURL((u) => u.pathname === '/');
    expect(sql(`SELECT name FROM passkeys WHERE user_id = (SELECT id FROM users WHERE email = '${email}')`)).toBe('Work laptop');
    await signOut(page);

    // Next time: the password, then the passkey.
    await password(page, info, email);
    await expect(page).toHaveURL((u) => u.pathname === '/two-factor/code');
    await expect(page.getByRole('heading', { name: 'Use your passkey' })).toBeVisible();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Use your passkey' }).click();
    await page.waitForURL((u) => u.pathname === '/');
    await ready(page, info);
    expect(
      sql(`SELECT amr FROM sessions WHERE user_id = (SELECT id FROM users WHERE email = '${email}') ORDER BY created_at DESC LIMIT 1`),
    ).toBe('pwd hwk');

    // My Profile lists it, used; it is removed by name.
    await page.goto('/my-profile/two-factor');
    await ready(page, info);
    const row = page.getByRole('row').filter({ hasText: 'Work laptop' });
    await expect(row).not.toContainText('Not yet');
    await expectAccessible(page);
    await row.getByRole('button', { name: 'Remove Work laptop' }).click();
    await ready(page, info);
    // It was the only second factor of an administrator: set one up again before anything else.
    await expect(page).toHaveURL((u) => u.pathname === '/two-factor/set-up');
    expect(sql(`SELECT COUNT(*) FROM passkeys WHERE user_id = (SELECT id FROM users WHERE email = '${email}')`)).toBe('0');
  });
});

test('a connected service gets a code only after the administrator has given their second factor', async ({ page }, info) => {
  test.slow(); // a sign-in with its code, then two token requests
  const email = person(info, 'oidc.admin', 'Commissioning Account Administrator', 'QHM', secretFor(`oidc.${info.project.name}`));
  const secret = secretFor(`oidc.${info.project.name}`);
  const issuer = await Issuer.discover(`http://127.0.0.1:${port}`);
  const client = new issuer.Client({
    client_id: 'claims-service',
    client_secret: 'claims-service-demo-secret-not-for-real-use',
    redirect_uris: ['http://localhost:4000/callback'],
    response_types: ['code'],
    id_token_signed_response_alg: 'ES256',
  });
  const verifier = generators.codeVerifier();
  const nonce = generators.nonce();
  const state = generators.state();
  let landed = '';
  page.on('request', (r) => {
    if (r.url().startsWith('http://localhost:4000/')) landed = r.url();
  });
  await page.route('http://localhost:4000/**', (route) => {
    landed = route.request().url();
    return route.fulfill({ contentType: 'text/html', body: '<!DOCTYPE html><html lang="en"><title>Claims</title><main><h1>Claims</h1></main></html>' });
  });
  await page.goto(client.authorizationUrl({ scope: 'openid', code_challenge: generators.codeChallenge(verifier), code_challenge_method: 'S256', nonce, state }));
  await ready(page, info);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await ready(page, info);
  // The code first: until then the session reaches nothing, the service included.
  expect(path(page)).toBe('/two-factor/code');
  expect(landed).toBe('');
  await expectAccessible(page);
  await enterCode(page, totp(secret));
  await expect.poll(() => landed, { timeout: 15_000 }).toContain('http://localhost:4000/callback');
  const tokens = await client.callback('http://localhost:4000/callback', client.callbackParams(landed), { code_verifier: verifier, state, nonce });
  const claims = tokens.claims() as Record<string, any>;
  expect(claims.amr).toEqual(['pwd', 'otp']);
  expect(claims.acr).toBe('aal2');
  expect(claims.gatehouse_role.capabilities).toContain('manage_users');
});
