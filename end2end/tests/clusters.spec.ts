import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { expectAccessible, jsOn, ready, signIn } from './support';

/** Search by, as the form's own Search button sends it (a GET form, with or without JavaScript). */
async function searchBy(page: Page, info: TestInfo, text: string) {
  await page.getByLabel('Search by Organisation ID or name').fill(text);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/clusters/new' && u.searchParams.get('q') === text);
  await ready(page, info);
}

/** Today as the list prints dates, in UK time: `3 December 2026`. */
function today() {
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', day: 'numeric', month: 'long', year: 'numeric' }).format(new Date());
}

test('an organisation administrator creates a Service Provider Cluster: form, summary, No, Yes, confirmation, list', async ({ page }, info) => {
  test.slow(); // a whole flow across several pages and users
  // Names are unique within the organisation: each project (and any rerun) makes its own.
  const name = `Southern Regions ${info.project.name} ${Date.now() % 100000}`;
  await signIn(page, info, 'org.admin');
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await ready(page, info);
  // The list.
  await page.getByRole('link', { name: 'Service Provider Clusters' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/clusters');
  await ready(page, info);
  await expectAccessible(page);
  const demo = page.getByRole('row').filter({ hasText: 'C61A6DB801' });
  await expect(demo).toContainText('Tees Valley North Practices');
  await expect(demo).toContainText('3');
  // Add New Cluster: the short name is made for us, Name and Description typed.
  await page.getByRole('link', { name: 'Add New Cluster' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/clusters/new');
  await ready(page, info);
  await expectAccessible(page);
  const short = (await page.locator('.gh-short-name').innerText()).trim();
  expect(short).toMatch(/^[0-9A-F]{10}$/);
  // On a phone each practice is its box alone, labelled with its name and code; the other
  // columns are left out, so a page of 25 is a short list rather than 12,000 px of stacked rows.
  const phone = (page.viewportSize()?.width ?? 1280) < 641;
  const firstCode = page.locator('tbody tr').first().getByRole('cell').nth(1);
  if (phone) {
    await expect(page.locator('tbody .gh-phone-only').first()).toHaveText(/^.+ \([A-Z]\d{5}\)$/);
    await expect(firstCode).toBeHidden();
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThan(5000);
  } else {
    await expect(page.locator('tbody .gh-phone-only').first()).toBeHidden();
    await expect(firstCode).toBeVisible();
  }
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Description').fill('My new cluster');
  // Continue with nothing ticked: the problem is shown at the table, the typing kept.
  await page.getByRole('button', { name: 'Continue' }).click();
  await ready(page, info);
  await expect(page).toHaveTitle(/^Error: Create Service Provider Cluster/);
  await expect(page.locator('#providers-error')).toContainText('Select at least one service provider');
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue(name);
  await expectAccessible(page);
  // Search by, tick one; search again, tick another: the first stays chosen.
  await searchBy(page, info, 'Densham');
  await page.getByLabel('Select The Densham Surgery').check();
  await searchBy(page, info, 'A81022');
  await expect(page.getByText('1 selected')).toBeVisible();
  await page.getByLabel('Select Hillside Practice').check();
  // Select All of a search's results.
  await searchBy(page, info, 'Queens Park');
  await expect(page.getByText('2 selected')).toBeVisible();
  await page.getByLabel(/^Select All/).check();
  if (jsOn(info)) {
    // With JavaScript, Select All ticks this page's boxes at once, and unticking it puts them back.
    const boxes = page.locator('input.gh-member');
    expect(await boxes.count()).toBeGreaterThan(0);
    for (const box of await boxes.all()) await expect(box).toBeChecked();
    await page.getByLabel(/^Select All/).uncheck();
    for (const box of await boxes.all()) await expect(box).not.toBeChecked();
    await page.getByLabel(/^Select All/).check();
  }
  // Continue → the summary.
  await page.getByRole('button', { name: 'Continue' }).click();
  await ready(page, info);
  await expect(page.getByText('Are you sure you want to create this Service Provider Cluster?')).toBeVisible();
  await expectAccessible(page);
  const chosen = page.getByRole('table');
  for (const practice of ['The Densham Surgery', 'Hillside Practice', 'Queens Park Medical Centre']) {
    await expect(chosen).toContainText(practice);
  }
  await expect(page.getByRole('main')).toContainText(short);
  // No returns to the form with every choice kept; Continue, then Yes.
  await page.getByRole('link', { name: 'No', exact: true }).click();
  await ready(page, info);
  await expect(page).toHaveURL((u) => u.pathname === '/clusters/new');
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue(name);
  await expect(page.getByLabel('Description')).toHaveValue('My new cluster');
  await expect(page.getByText('3 selected')).toBeVisible();
  await expect(page.locator('.gh-short-name')).toHaveText(short);
  await page.getByRole('button', { name: 'Continue' }).click();
  await ready(page, info);
  await page.getByRole('button', { name: 'Yes', exact: true }).click();
  // The final confirmation with its two links.
  await expect(page).toHaveURL((u) => u.pathname === '/clusters/created');
  await ready(page, info);
  await expect(page.getByText('The selected cluster is submitted and saved.')).toBeVisible();
  await expect(page.getByRole('link', { name: 'create a new Service Provider Cluster' })).toHaveAttribute('href', '/clusters/new');
  await expectAccessible(page);
  // The list shows the new cluster with its count and today's date.
  await page.getByRole('link', { name: 'View Service Provider Clusters' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/clusters');
  await ready(page, info);
  const row = page.getByRole('row').filter({ hasText: short });
  await expect(row).toContainText(name);
  await expect(row).toContainText('My new cluster');
  await expect(row.getByRole('cell').nth(3)).toContainText('3');
  await expect(row).toContainText(today());
});

test('a user restricted to a cluster reaches only its practices', async ({ page }, info) => {
  await signIn(page, info, 'cluster.user');
  await expect(page).toHaveURL((u) => u.pathname === '/');
  await ready(page, info);
  await page.getByRole('link', { name: 'Providers' }).click();
  await expect(page).toHaveURL((u) => u.pathname === '/providers');
  await ready(page, info);
  await expectAccessible(page);
  await expect(page.getByText('3 providers')).toBeVisible();
  for (const practice of ['The Densham Surgery', 'Queens Park Medical Centre', 'Springwood Surgery']) {
    await expect(page.getByRole('row').filter({ hasText: practice })).toHaveCount(1);
  }
  await expect(page.getByRole('row').filter({ hasText: 'Hillside Practice' })).toHaveCount(0);
  // Another practice of the same ICB is "not found", as one that does not exist would be.
  await page.goto('/providers/A81022');
  await ready(page, info);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await expectAccessible(page);
});
