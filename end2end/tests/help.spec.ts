import { expect, test } from '@playwright/test';
import { expectAccessible, ready } from './support';

test('every page’s footer leads to Contact us, the accessibility statement, the privacy notice and cookies', async ({ page }, info) => {
  const pages: [string, string, string][] = [
    ['Contact us', '/contact-us', 'Contact us'],
    ['Accessibility statement', '/accessibility', 'Accessibility statement for Gatehouse'],
    ['Privacy notice', '/privacy', 'Privacy notice'],
    ['Cookies', '/cookies', 'Cookies'],
  ];
  for (const [link, to, heading] of pages) {
    await page.goto('/sign-in');
    await ready(page, info);
    await page.getByRole('contentinfo').getByRole('link', { name: link, exact: true }).click();
    await expect(page).toHaveURL((u) => u.pathname === to);
    await ready(page, info);
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
    await expectAccessible(page);
  }
  await expect(page.getByRole('cell', { name: 'gatehouse_session', exact: true })).toBeVisible();
  // The Service Desk's details, as the operator configured them (playwright.config.ts).
  await page.goto('/contact-us');
  await expect(page.getByRole('link', { name: '0300 123 4567' })).toHaveAttribute('href', 'tel:03001234567');
  await expect(page.getByRole('link', { name: 'servicedesk@example.nhs.uk' })).toHaveAttribute('href', 'mailto:servicedesk@example.nhs.uk');
  await page.goto('/accessibility');
  await expect(page.getByText('WCAG) version 2.2 at level AA')).toBeVisible();
});
