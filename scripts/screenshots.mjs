// Takes the README's "What it looks like" pictures: Home, Users and Pending Actions, signed in as
// the demo's practice account administrator, on a phone (Pixel 7) and a desktop. Run it against
// a demo server (`bash scripts/run.sh`, or any GATEHOUSE_DEMO=1 server):
//   node scripts/screenshots.mjs http://127.0.0.1:3000
// It writes docs/screenshots/*.png. Nothing in the test suite depends on it.
import { createHmac } from 'node:crypto';
import { chromium, devices } from '@playwright/test';

// The demo administrators' authenticator app (README, Demo users): the code `ahead` steps from
// now, as the app would show it (RFC 6238). Each sign-in takes a later step: a code works once.
const DEMO_KEY = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
function totp(ahead) {
  const bits = [...DEMO_KEY].map((c) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'.indexOf(c).toString(2).padStart(5, '0')).join('');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30000) + ahead));
  const mac = createHmac('sha1', key).update(counter).digest();
  const at = mac[mac.length - 1] & 15;
  return String((mac.readUInt32BE(at) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

const base = process.argv[2] ?? 'http://127.0.0.1:3000';
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' });
const shapes = { phone: devices['Pixel 7'], desktop: { viewport: { width: 1280, height: 900 } } };

// Two registrations, so that Pending Actions has something to show.
for (const [first, last] of [['Robin', 'Reception'], ['Sam', 'Salaried']]) {
  const page = await browser.newPage({ baseURL: base });
  await page.goto('/register');
  await page.getByLabel('Email address').fill(`${first}.${last}@example.nhs.uk`.toLowerCase());
  await page.getByLabel('ODS code or organisation name').fill('A81001');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.waitForURL((u) => u.pathname === '/register/details');
  await page.getByLabel('Provider User').check();
  await page.getByLabel('First name').fill(first);
  await page.getByLabel('Last name').fill(last);
  await page.getByRole('button', { name: 'Register' }).click();
  await page.waitForURL((u) => u.pathname === '/register/done');
  await page.close();
}
let signIns = 0;
for (const [shape, device] of Object.entries(shapes)) {
  const context = await browser.newContext({ ...device, baseURL: base });
  const page = await context.newPage();
  await page.goto('/sign-in');
  await page.getByLabel('Email address').fill('account.admin@demo.gatehouse.example');
  await page.getByLabel('Password', { exact: true }).fill('Gatehouse-Demo-2026!');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForLoadState('load');
  // Under the default policy the demo's administrators then give their app's code.
  if (new URL(page.url()).pathname === '/two-factor/code') {
    await page.getByLabel('6-digit code').fill(totp(signIns));
    await page.getByRole('button', { name: 'Continue' }).click();
  }
  signIns += 1;
  await page.waitForURL((u) => u.pathname === '/');
  for (const [name, path] of [['home', '/'], ['users', '/users?q=a'], ['pending-actions', '/pending-actions']]) {
    await page.goto(path);
    await page.waitForLoadState('load');
    await page.screenshot({ path: `docs/screenshots/${name}-${shape}.png`, fullPage: shape === 'phone' ? false : true });
  }
  await context.close();
}
await browser.close();
