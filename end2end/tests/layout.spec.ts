import { expect, test, type Page } from '@playwright/test';
import { path, ready, signIn } from './support';

/**
 * The words on the page, split where the browser broke a line inside one: every run of
 * non-space characters of a table cell, a heading or a summary list, whose rendered boxes sit
 * on more than one line. A value marked `gh-break` (an email address, typed free text) may
 * break where it must, and text hidden for screen readers is not laid out. A hyphenated name
 * ("Stockton-on-Tees") may break after a hyphen, as print does; a date (`gh-date`) not at all.
 */
async function brokenWords(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const broken: string[] = [];
    const blocks = document.querySelectorAll(
      '.nhsuk-table__cell, .nhsuk-table__header, h1, h2, h3, .nhsuk-summary-list__key, .nhsuk-summary-list__value',
    );
    for (const block of blocks) {
      const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (node.parentElement?.closest('.gh-break, .nhsuk-u-visually-hidden')) continue;
        const text = node.textContent ?? '';
        const pieces = node.parentElement?.closest('.gh-date') ? /\S+/g : /[^\s-]+-*|-+/g;
        for (const word of text.matchAll(pieces)) {
          const range = document.createRange();
          range.setStart(node, word.index);
          range.setEnd(node, word.index + word[0].length);
          const lines = new Set(
            [...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.bottom)),
          );
          if (lines.size > 1) broken.push(word[0]);
        }
      }
    }
    return broken;
  });
}

// Line breaking is the stylesheet's alone: a page without scripts is the same HTML under the same
// CSS, so the no-JS project does not run this file (playwright.config.ts); the desktop and phone
// browsers measure it at every width.
const pages: [string, string[]][] = [
  ['account.admin', ['/users?q=a', '/audit', '/administrative-tasks']],
  ['org.admin', ['/organisations?q=practice', '/clusters']],
  ['commissioner.tier1', ['/providers?q=road']],
];

for (const [who, paths] of pages) {
  test(`tables, headings and summaries break no word of the demo data at 320, 360 and 1280 px: ${who}`, async ({ page }, info) => {
    test.slow(); // each page at three widths
    await signIn(page, info, who);
    await expect(page).toHaveURL((u) => u.pathname !== '/sign-in');
    for (const target of paths) {
      await page.goto(target);
      await ready(page, info);
      expect(path(page), `${who} reaches ${target}`).toBe(new URL(target, 'http://x').pathname);
      // Something to measure: a table, or the tiles of Administrative Tasks.
      await expect(page.locator('.nhsuk-table__cell, .nhsuk-card__heading').first()).toBeVisible();
      for (const width of [320, 360, 1280]) {
        await page.setViewportSize({ width, height: 800 });
        expect(await brokenWords(page), `${target} at ${width} px`).toEqual([]);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, `${target} at ${width} px is wider than the screen`).toBeLessThanOrEqual(0);
      }
    }
  });
}
