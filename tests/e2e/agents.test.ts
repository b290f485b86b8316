import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchBrowser, openSite } from './browser';

const TIMEOUT = { timeout: 15_000 };

async function register(page: Page, name: string): Promise<void> {
  await page.goto('/register');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Email').fill(`agents+${randomUUID()}@example.com`);
  await page.getByLabel('Password').fill('correct horse battery staple 42');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { level: 1, name: `Hello, ${name}` }).waitFor(TIMEOUT);
}

describe('agents in the browser', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  test('create an agent, duplicate a built-in, share one and open it in the chat', async () => {
    const { context, page } = await openSite(browser);
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    try {
      await register(page, 'Agnes Agent');
      await page
        .getByRole('navigation', { name: 'Main navigation' })
        .getByRole('link', { name: /^Agents/ })
        .click();
      await page.getByRole('heading', { level: 1, name: 'Agents' }).waitFor(TIMEOUT);

      // Signed up with an English browser, so the built-ins are in English.
      const builtins = page.getByRole('region', { name: 'Built-in agents' });
      const legal = builtins.getByRole('article', { name: /Legal assistant/ });
      await legal.waitFor(TIMEOUT);
      expect(await builtins.getByRole('article').count()).toBe(8);
      const own = page.getByRole('region', { name: 'Your agents' });
      await own.getByText('You have no agents yet.', { exact: false }).waitFor(TIMEOUT);

      await page.getByRole('button', { name: 'New agent' }).click();
      const form = page.getByRole('region', { name: 'New agent' });
      await form.getByLabel('Icon').fill('📝');
      await form.getByLabel('Name').fill('Release notes writer');
      await form.getByLabel('Description (optional)').fill('Turns merged changes into notes');
      await form.getByLabel('Instructions').fill('You write release notes grouped by feature.');
      await form.getByLabel('Temperature (optional)').fill('0.4');
      await form.getByRole('button', { name: 'Save agent' }).click();
      await page.getByText('“Release notes writer” is saved.').waitFor(TIMEOUT);
      const mine = own.getByRole('article', { name: 'Release notes writer', exact: true });
      await mine.getByText('Turns merged changes into notes').waitFor(TIMEOUT);

      // A value the server refuses is shown next to its field.
      await mine.getByRole('button', { name: 'Edit' }).click();
      const edit = page.getByRole('region', { name: 'Edit Release notes writer' });
      await edit.getByLabel('Icon').fill('ABCDEFGHI');
      await edit.getByRole('button', { name: 'Save agent' }).click();
      await edit.getByText('Use at most 8 characters', { exact: true }).waitFor(TIMEOUT);
      expect(await edit.getByLabel('Icon').getAttribute('aria-invalid')).toBe('true');
      await edit.getByLabel('Icon').fill('📝');
      await edit.getByLabel('Default model (optional)').selectOption('offline/offline-brief');
      await edit.getByRole('button', { name: 'Save agent' }).click();
      await mine.getByText('offline/offline-brief').waitFor(TIMEOUT);

      await legal.getByRole('button', { name: 'Duplicate' }).click();
      await page.getByText('“Legal assistant (copy)” was added to your agents.').waitFor(TIMEOUT);
      const copy = own.getByRole('article', { name: /Legal assistant \(copy\)/ });
      await copy.waitFor(TIMEOUT);
      expect(await own.getByRole('article').count()).toBe(2);

      // Share, copy the link, then open it: the read-only view offers to add the agent.
      await mine.getByRole('button', { name: 'Share' }).click();
      const link = mine.getByLabel('Share link');
      await link.waitFor(TIMEOUT);
      const url = await link.inputValue();
      expect(url).toMatch(/\/agents\?shared=[A-Za-z0-9_-]{43}$/);
      await mine.getByRole('button', { name: 'Copy link' }).click();
      await mine.getByText('Link copied.').waitFor(TIMEOUT);
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
      await mine.getByText('Shared', { exact: true }).waitFor(TIMEOUT);

      await page.goto(new URL(url).pathname + new URL(url).search);
      const shared = page.getByRole('region', { name: /Release notes writer/ }).first();
      await page.getByText('Agent shared with you').waitFor(TIMEOUT);
      await shared.getByText('You write release notes grouped by feature.').waitFor(TIMEOUT);
      await page.getByRole('button', { name: 'Add to my agents' }).click();
      await page
        .getByText('“Release notes writer (copy)” was added to your agents.')
        .waitFor(TIMEOUT);
      expect(new URL(page.url()).search).toBe('');
      await own.getByRole('article', { name: /Release notes writer \(copy\)/ }).waitFor(TIMEOUT);

      // Deleting asks first.
      await copy.getByRole('button', { name: 'Delete' }).click();
      await copy.getByRole('button', { name: 'Yes, delete' }).click();
      await page.getByText('“Legal assistant (copy)” was deleted.').waitFor(TIMEOUT);
      await copy.waitFor({ state: 'detached', ...TIMEOUT });

      await mine.getByRole('button', { name: 'Chat' }).click();
      await page.waitForURL(/\/chat\?agent=/, TIMEOUT);
      const agentId = new URL(page.url()).searchParams.get('agent');
      expect(agentId).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await context.close();
    }
  });
});
