import { expect, test } from '@playwright/test';
import { Issuer, generators } from 'openid-client';
import { expectAccessible, ownUser, PASSWORD, path, ready, signIn } from './support';

// The demo's connected service (server/src/demo.rs): the example claims service's address, which
// nothing serves during the tests, so the browser's visits to it are answered here.
const CLIENT_ID = 'claims-service';
const CLIENT_SECRET = 'claims-service-demo-secret-not-for-real-use';
const SERVICE = 'http://localhost:4000';

test('the Service Desk connects a service, sees its secret once, changes it and switches it off', async ({ page }, info) => {
  test.slow(); // five pages and two refused forms, each scanned
  const name = `Reports ${info.project.name}`;
  await signIn(page, info, 'service.desk');
  await ready(page, info);
  await page.getByRole('link', { name: 'Connected services' }).first().click();
  await ready(page, info);
  await expect(page.getByRole('heading', { name: 'Connected services', level: 1 })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Claims service (demo)' })).toBeVisible();
  await expectAccessible(page);

  await page.getByRole('link', { name: 'Add a connected service' }).click();
  await ready(page, info);
  await expectAccessible(page);
  // Nothing typed: the name is asked for at its field.
  await page.getByRole('button', { name: 'Add service' }).click();
  await ready(page, info);
  await expect(page.getByRole('alert')).toContainText("Enter the service's name");
  await expect(page.locator('#name-error')).toContainText("Enter the service's name");
  await expectAccessible(page);
  // Plain http to another machine: refused at the addresses, with what was typed kept.
  await page.getByLabel('Service name').fill(name);
  await page.getByLabel('Addresses to send people back to after they sign in').fill('http://reports.example.nhs.uk/cb');
  await page.getByRole('button', { name: 'Add service' }).click();
  await ready(page, info);
  await expect(page.locator('#redirect_uris-error')).toContainText('start with https://');
  await expect(page.getByLabel('Service name')).toHaveValue(name);
  await expectAccessible(page);
  await page.getByLabel('Addresses to send people back to after they sign in').fill('https://reports.example.nhs.uk/cb');
  await page.getByLabel('With a secret (a service that runs on a server)').check();
  await page.getByRole('button', { name: 'Add service' }).click();
  await ready(page, info);
  await expect(page.getByText('The service is connected.')).toBeVisible();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  const secret = (await page.locator('code.gh-secret').textContent()) ?? '';
  expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
  await expectAccessible(page);
  // Shown once: never again, not even to the one who made it.
  await page.reload();
  await ready(page, info);
  await expect(page.locator('code.gh-secret')).toHaveCount(0);

  await page.getByRole('link', { name: "Change the service's details" }).click();
  await ready(page, info);
  await expectAccessible(page);
  await page.getByLabel('Service name').fill(`${name} and returns`);
  await page.getByRole('button', { name: 'Save' }).click();
  await ready(page, info);
  await expect(page.getByText("The service's details are saved.")).toBeVisible();
  await expect(page.getByRole('heading', { name: `${name} and returns`, level: 1 })).toBeVisible();

  await page.getByRole('button', { name: 'Switch the service off' }).click();
  await ready(page, info);
  await expect(page.getByText('The service is switched off.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Switch the service on' })).toBeVisible();
  await expectAccessible(page);
});

test('a person who is not the Service Desk finds no connected services', async ({ page }, info) => {
  await signIn(page, info, 'account.admin');
  await ready(page, info);
  await page.goto('/connected-services');
  await ready(page, info);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
});

test('a service signs a person in through Gatehouse with openid-client: discovery, PKCE, userinfo, refresh, logout', async ({ page }, info) => {
  test.slow(); // a sign-in, four token requests and a sign-out
  const email = ownUser(info, 'relying', 'Commissioning Finance', 'QHM');
  const base = String(info.project.use.baseURL);
  // An independent, certified relying party finds everything from the discovery document.
  const issuer = await Issuer.discover(base);
  expect(issuer.metadata.issuer).toBe(base);
  const client = new issuer.Client({
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    redirect_uris: [`${SERVICE}/callback`],
    post_logout_redirect_uris: [`${SERVICE}/`],
    response_types: ['code'],
    id_token_signed_response_alg: 'ES256',
  });
  const verifier = generators.codeVerifier();
  const nonce = generators.nonce();
  const state = generators.state();
  const url = client.authorizationUrl({
    scope: 'openid profile email',
    code_challenge: generators.codeChallenge(verifier),
    code_challenge_method: 'S256',
    nonce,
    state,
  });

  // Where the browser was sent at the service: a page that moves on by itself is answered here;
  // a redirect, which the browser follows without asking the route, is seen as its request.
  let landed = '';
  page.on('request', (r) => {
    if (r.url().startsWith(`${SERVICE}/`)) landed = r.url();
  });
  await page.route(`${SERVICE}/**`, (route) => {
    landed = route.request().url();
    return route.fulfill({
      contentType: 'text/html; charset=utf-8',
      body: '<!DOCTYPE html><html lang="en"><head><title>Claims service</title></head><body><main><h1>Claims service</h1></main></body></html>',
    });
  });
  await page.goto(url);
  await ready(page, info);
  // Not signed in: Gatehouse's own Sign in, which comes back to the service afterwards.
  expect(path(page)).toBe('/sign-in');
  await expectAccessible(page);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect.poll(() => landed, { timeout: 15_000 }).toContain(`${SERVICE}/callback`);

  const params = client.callbackParams(landed);
  expect(params.state).toBe(state);
  const tokens = await client.callback(`${SERVICE}/callback`, params, { code_verifier: verifier, state, nonce });
  const claims = tokens.claims() as Record<string, any>;
  expect(claims.email).toBe(email);
  expect(claims.gatehouse_role.role.name).toBe('Commissioning Finance');
  expect(claims.gatehouse_role.organisation.ods_code).toBe('QHM');
  expect(tokens.expires_in).toBeLessThanOrEqual(300);

  const info2 = (await client.userinfo(tokens)) as Record<string, any>;
  expect(info2.sub).toBe(claims.sub);
  expect(info2.gatehouse_role.role.name).toBe('Commissioning Finance');

  const refreshed = await client.refresh(tokens);
  expect(refreshed.refresh_token).toBeTruthy();
  expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
  expect((await client.introspect(refreshed.access_token!)).active).toBe(true);

  // RP-initiated logout: Gatehouse signs the person out and returns to the registered address.
  landed = '';
  const end = client.endSessionUrl({ id_token_hint: refreshed.id_token, post_logout_redirect_uri: `${SERVICE}/`, state: 'bye' });
  // The redirect leads to the service's address, where nothing listens during the tests.
  await page.goto(end).catch(() => undefined);
  await expect.poll(() => landed).toBe(`${SERVICE}/?state=bye`);
  await expect(client.refresh(refreshed)).rejects.toThrow(/invalid_grant/);
  expect((await client.introspect(refreshed.access_token!)).active).toBe(false);
  // Signed out of Gatehouse too (in a new tab: the first is still on its failed visit).
  const tab = await page.context().newPage();
  await tab.goto('/');
  await ready(tab, info);
  expect(path(tab)).toBe('/sign-in');
});
