import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { call } from '../helpers/api';
import { launchBrowser, openSite } from './browser';

const TIMEOUT = { timeout: 15_000 };
const FIREFOX_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';

async function expectHeading(page: Page, name: string | RegExp): Promise<void> {
  await page.getByRole('heading', { level: 1, name }).waitFor(TIMEOUT);
}

/** Resolves once the page's notification socket has received the server's greeting. */
function socketGreeting(page: Page): Promise<unknown> {
  return page
    .waitForEvent('websocket', {
      predicate: (ws) => ws.url().includes('/api/notifications/socket'),
      ...TIMEOUT,
    })
    .then((ws) =>
      ws.waitForEvent('framereceived', {
        predicate: (frame) => String(frame.payload).includes('"hello"'),
        ...TIMEOUT,
      }),
    );
}

describe('live notifications and the admin outbox in the browser', () => {
  let browser: Browser;
  const name = 'Nora Notify';
  const email = `notify+${randomUUID()}@example.com`;
  const password = 'correct horse battery staple 42';

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  test('a sign-in elsewhere shows a toast; the outbox is denied to a normal user', async () => {
    const { context, page } = await openSite(browser);
    try {
      await page.goto('/register');
      await expectHeading(page, 'Create your account');
      await page.getByLabel('Name').fill(name);
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(password);
      const greeted = socketGreeting(page);
      await page.getByRole('button', { name: 'Create account' }).click();
      await expectHeading(page, `Hello, ${name}`);
      await greeted;

      // The greeting and the page's own sign-up never raise a toast.
      expect(await page.getByRole('status').filter({ hasText: 'New sign-in' }).count()).toBe(0);

      const res = await call('/api/auth/login', {
        json: { email, password },
        headers: { 'User-Agent': FIREFOX_WINDOWS },
      });
      expect(res.status, await res.clone().text()).toBe(200);

      const toast = page
        .getByRole('status')
        .filter({ hasText: 'New sign-in to your account (Firefox on Windows)' });
      await toast.waitFor(TIMEOUT);
      await toast.getByRole('button', { name: 'Dismiss' }).click();
      await toast.waitFor({ state: 'detached', ...TIMEOUT });

      // In French, the next one reads in French.
      await page.getByRole('button', { name: 'Français' }).click();
      await expectHeading(page, `Bonjour, ${name}`);
      const again = await call('/api/auth/login', {
        json: { email, password },
        headers: { 'User-Agent': FIREFOX_WINDOWS },
      });
      expect(again.status).toBe(200);
      await page
        .getByRole('status')
        .filter({ hasText: 'Nouvelle connexion à votre compte (Firefox sous Windows)' })
        .waitFor(TIMEOUT);
      await page.getByRole('button', { name: 'English' }).click();

      // No outbox link for a normal user, and the address itself says access denied.
      expect(await page.getByRole('link', { name: 'Outbox' }).count()).toBe(0);
      await page.goto('/admin/outbox');
      await expectHeading(page, 'Access denied');
    } finally {
      await context.close();
    }
  });

  test('an admin reads the verification e-mail, with a working link, in the outbox', async () => {
    const { context, page } = await openSite(browser);
    try {
      await page.goto('/login');
      await expectHeading(page, 'Log in');
      await page.getByLabel('Email').fill('admin@webox.local');
      await page.getByLabel('Password', { exact: true }).fill('webox-admin-2026');
      await page.getByRole('button', { name: 'Log in' }).click();
      await page
        .getByRole('navigation', { name: 'Main navigation' })
        .getByRole('link', { name: 'Outbox' })
        .click();
      await expectHeading(page, 'Outgoing e-mail');

      // The mail may still be on its way to the outbox: refresh until it shows.
      const item = page
        .getByRole('listitem')
        .filter({ hasText: email })
        .filter({ hasText: 'Confirm your e-mail address for WeBox' });
      await expect
        .poll(async () => {
          if ((await item.count()) > 0) return true;
          await page.getByRole('button', { name: 'Refresh' }).click();
          return false;
        }, TIMEOUT)
        .toBe(true);
      await item
        .first()
        .getByText(/^(Queued|Sent)$/)
        .waitFor(TIMEOUT);

      await item.first().getByText('Show the message').click();
      const link = item.first().getByRole('link', { name: /\/verify\?token=/ });
      await link.waitFor(TIMEOUT);
      const href = await link.getAttribute('href');
      expect(href).toMatch(/\/verify\?token=[\w-]+/);
    } finally {
      await context.close();
    }
  });
});
