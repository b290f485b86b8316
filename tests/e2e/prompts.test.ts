import { randomBytes, randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchBrowser, openSite } from './browser';

const TIMEOUT = { timeout: 15_000 };
const DRAFT_KEY = 'webox:chat-draft';

describe('prompt library in the browser', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  test('create a prompt with variables, find it, favourite it and use it in the chat', async () => {
    const { context, page } = await openSite(browser);
    const word = `zeppelin${randomBytes(4).toString('hex')}`;
    try {
      await page.goto('/register');
      await page.getByLabel('Name').fill('Paula Prompt');
      await page.getByLabel('Email').fill(`prompts+${randomUUID()}@example.com`);
      await page.getByLabel('Password').fill('correct horse battery staple 42');
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.getByRole('heading', { level: 1, name: 'Hello, Paula Prompt' }).waitFor(TIMEOUT);

      await page
        .getByRole('navigation', { name: 'Main navigation' })
        .getByRole('link', { name: /^Prompts/ })
        .click();
      await page.getByRole('heading', { level: 1, name: 'Prompts' }).waitFor(TIMEOUT);

      await page.getByRole('button', { name: 'New prompt' }).click();
      const form = page.getByRole('region', { name: 'New prompt' });
      await form.getByLabel('Title').fill(`Cold email ${word}`);
      await form
        .getByLabel('Prompt', { exact: true })
        .fill('Write a cold email to {{ company }} about {{product}}. Sign it for {{company}}.');
      await form.getByText('Variables: company, product').waitFor(TIMEOUT);
      await form.getByLabel('Category (optional)').fill('sales');
      await form.getByLabel('Tags (optional)').fill('email, outreach');
      // Only administrators may publish.
      expect(await form.getByLabel('Public', { exact: false }).count()).toBe(0);
      await form.getByRole('button', { name: 'Save prompt' }).click();
      await page.getByText(`“Cold email ${word}” is saved.`).waitFor(TIMEOUT);

      const list = page.getByRole('region', { name: 'Prompts' });
      const card = list.getByRole('article', { name: `Cold email ${word}` });
      await card.getByText('Variables: company, product').waitFor(TIMEOUT);

      // Search by a word of the title, then by a word that matches nothing.
      const search = page.getByRole('textbox', { name: 'Search' });
      await search.fill(word);
      await card.waitFor(TIMEOUT);
      await expect.poll(() => list.getByRole('article').count(), TIMEOUT).toBe(1);
      await search.fill(`${word}-nothing-here`);
      await page.getByText('No prompts match these filters.').waitFor(TIMEOUT);
      await search.fill(word);
      await card.waitFor(TIMEOUT);

      // Favourite it; the favourites filter keeps it.
      const star = card.getByRole('button', { name: `Favourite: Cold email ${word}` });
      expect(await star.getAttribute('aria-pressed')).toBe('false');
      await star.click();
      await expect.poll(() => star.getAttribute('aria-pressed'), TIMEOUT).toBe('true');
      await page.getByLabel('Favourites only').check();
      await card.waitFor(TIMEOUT);
      await page.getByLabel('Category').selectOption('sales');
      await card.waitFor(TIMEOUT);

      // Record what is handed to the chat, whatever the chat page then does with it.
      await page.evaluate(() => {
        const original = Storage.prototype.setItem;
        const log: Array<[string, string]> = [];
        Object.assign(window, { __handed: log });
        Storage.prototype.setItem = function setItem(key: string, value: string) {
          log.push([key, value]);
          original.call(this, key, value);
        };
      });

      await card.getByRole('button', { name: 'Use' }).click();
      const fill = card.getByRole('form', { name: 'Fill in the variables' });
      await fill.getByLabel('company').fill('Acme');
      await fill.getByLabel('product').fill('rocket skates');
      await fill.getByRole('button', { name: 'Start chat' }).click();
      await page.waitForURL((url) => url.pathname === '/chat', TIMEOUT);

      const expected = JSON.stringify({
        text: 'Write a cold email to Acme about rocket skates. Sign it for Acme.',
      });
      const handed = await page.evaluate(
        () => (window as unknown as { __handed: Array<[string, string]> }).__handed,
      );
      expect(handed).toContainEqual([DRAFT_KEY, expected]);
      // The chat page may already have taken the draft; if not, it is still there as written.
      const stored = await page.evaluate((key) => sessionStorage.getItem(key), DRAFT_KEY);
      expect([expected, null]).toContain(stored);
    } finally {
      await context.close();
    }
  });
});
