import { defineConfig, devices } from '@playwright/test';

// Debian's Chromium, never a downloaded browser (the machine reaches the package registries only).
const launchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
};

const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: './tests',
  // Playwright's 30 s per test; a long flow says so with test.slow() or its own time-out.
  expect: { timeout: 10_000 },
  fullyParallel: true,
  workers: 3,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: '.state/results.json' }]],
  use: { baseURL, launchOptions, trace: 'off' },
  // Without JavaScript first: its flows are the longest (every page is scanned twice), and
  // started last they left one worker running alone at the end.
  projects: [
    {
      name: 'no-js',
      use: { ...devices['Desktop Chrome'], launchOptions, javaScriptEnabled: false },
      // Line breaking at each width is the stylesheet's alone, the same with scripts or without.
      testIgnore: /layout\.spec\.ts/,
    },
    { name: 'desktop', use: { ...devices['Desktop Chrome'], launchOptions } },
    { name: 'mobile', use: { ...devices['Pixel 7'], launchOptions } },
  ],
  webServer: [
    {
      // The dev-profile binary `cargo test --workspace` builds for the HTTP tests, on a fresh demo
      // database. scripts/test.sh builds the site first, and the binary holds it (no
      // LEPTOS_SITE_ROOT): every page and its WebAssembly come from the binary alone.
      command: '../target/debug/gatehouse',
      url: `${baseURL}/sign-in`,
      reuseExistingServer: false,
      timeout: 60_000,
      env: {
        DATABASE_URL: 'sqlite://.state/e2e.db',
        GATEHOUSE_DEMO: '1',
        GATEHOUSE_BIND: `127.0.0.1:${port}`,
        RUST_LOG: 'warn',
        // Every browser of the run signs in from 127.0.0.1, so the per-address budget is raised
        // here; server/tests/it/security.rs proves the limit itself with a low one.
        GATEHOUSE_RATE_LIMIT_PER_MINUTE: '5000',
        // Shown on Contact us and wherever a page sends people to the Service Desk.
        GATEHOUSE_SUPPORT_PHONE: '0300 123 4567',
        GATEHOUSE_SUPPORT_EMAIL: 'servicedesk@example.nhs.uk',
        // The dormancy rule, on: accounts unused for 300 days are disabled by the server's
        // worker. Every demo account is younger (the oldest, `dormant`, was added 200 days ago),
        // so only the account tests/dormancy.spec.ts ages past it is disabled.
        GATEHOUSE_DISABLE_DORMANT_DAYS: '300',
        // Two-factor sign-in for nobody unless they set it up: the flows here sign in as the
        // same demo administrators many times a minute from three projects at once, and a code
        // is accepted once. tests/two-factor.spec.ts runs against the default policy below.
        GATEHOUSE_MFA: 'optional',
      },
    },
    {
      // The default policy (every administrator must have a second factor), on demo data whose
      // administrators have the demo's authenticator app (tests/two-factor.spec.ts).
      command: '../target/debug/gatehouse',
      url: `http://127.0.0.1:${port + 2}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      env: {
        DATABASE_URL: 'sqlite://.state/two-factor.db',
        GATEHOUSE_DEMO: '1',
        GATEHOUSE_BIND: `127.0.0.1:${port + 2}`,
        RUST_LOG: 'warn',
        GATEHOUSE_RATE_LIMIT_PER_MINUTE: '5000',
      },
    },
    {
      // A second server on a database that is not demo data, for the first run of a real
      // deployment (tests/first-run.spec.ts): its first user is made on the command line.
      command: '../target/debug/gatehouse',
      url: `http://127.0.0.1:${port + 1}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      env: {
        DATABASE_URL: 'sqlite://.state/first-run.db',
        GATEHOUSE_BIND: `127.0.0.1:${port + 1}`,
        RUST_LOG: 'warn',
        GATEHOUSE_RATE_LIMIT_PER_MINUTE: '5000',
      },
    },
    {
      // The example claims service (examples/claims-service, built by scripts/test.sh), signing
      // its users in through the main server: the demo's connected service, at the address the
      // demo registered for it (tests/claims-service.spec.ts).
      command: '../examples/claims-service/target/debug/claims-service',
      url: 'http://127.0.0.1:4000/',
      reuseExistingServer: false,
      timeout: 90_000,
      env: { GATEHOUSE_ISSUER: baseURL, SERVICE_URL: 'http://localhost:4000' },
    },
  ],
});
