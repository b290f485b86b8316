import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createAdmin, query } from '../helpers/accounts';
import { call } from '../helpers/api';
import { launchBrowser, openSite } from './browser';

const TIMEOUT = { timeout: 15_000 };

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

describe('notification centre in the browser', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  test('an announcement shows live in the bell; mark all read clears the badge', async () => {
    const admin = await createAdmin();
    const name = 'Bella Bell';
    const email = `bell+${randomUUID()}@example.com`;
    const { context, page } = await openSite(browser);
    try {
      await page.goto('/register');
      await page.getByLabel('Name').fill(name);
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill('correct horse battery staple 42');
      const greeted = socketGreeting(page);
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.getByRole('heading', { level: 1, name: `Hello, ${name}` }).waitFor(TIMEOUT);
      await greeted;

      const bell = page.getByRole('button', { name: 'Notifications', exact: true });
      await bell.waitFor(TIMEOUT);
      const [user] = await query<{ id: string }>(
        (db) => db`select id from users where email = ${email}`,
      );
      const userId = user?.id ?? '';
      expect(userId).not.toBe('');
      const title = `Scheduled maintenance ${randomUUID().slice(0, 8)}`;
      const res = await call('/api/admin/announcements', {
        token: admin.accessToken,
        json: {
          title,
          body: 'WeBox restarts at 22:00.',
          link: '/notifications',
          userIds: [userId],
        },
      });
      expect(res.status, await res.clone().text()).toBe(200);
      expect(await res.json()).toEqual({ recipients: 1, delivered: 1 });

      // Live, without a reload: the badge shows 1 and the panel lists it.
      const unreadBell = page.getByRole('button', { name: 'Notifications (1 unread)' });
      await unreadBell.waitFor(TIMEOUT);
      expect(await page.locator('.notification-badge').textContent()).toBe('1');
      await unreadBell.click();
      const panel = page.getByRole('region', { name: 'Recent notifications' });
      await panel.waitFor(TIMEOUT);
      const item = panel.getByRole('listitem').filter({ hasText: title });
      await item.waitFor(TIMEOUT);
      await item.getByText('WeBox restarts at 22:00.').waitFor(TIMEOUT);
      await item.getByText(/now|second|minute/).waitFor(TIMEOUT);

      await panel.getByRole('button', { name: 'Mark all as read' }).click();
      await bell.waitFor(TIMEOUT);
      expect(await page.locator('.notification-badge').count()).toBe(0);
      await expect
        .poll(
          async () =>
            (
              await query<{ n: number }>(
                (db) =>
                  db`select count(*)::int as n from notifications where user_id = ${userId} and read_at is null`,
              )
            )[0]?.n,
        )
        .toBe(0);

      // The full page lists it as read, and keeps the preferences.
      await panel.getByRole('link', { name: 'See all notifications' }).click();
      await page.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor(TIMEOUT);
      await page.getByRole('listitem').filter({ hasText: title }).waitFor(TIMEOUT);
      expect(
        await page.getByRole('listitem').filter({ hasText: title }).getByText('(Unread)').count(),
      ).toBe(0);
      const emailToggle = page.getByLabel('Also by e-mail');
      expect(await emailToggle.isChecked()).toBe(false);
      await emailToggle.check();
      await page.getByRole('button', { name: 'Save preferences' }).click();
      await page.getByText('Preferences saved.').waitFor(TIMEOUT);
      const [prefs] = await query<{ email: boolean; job_finished: boolean }>(
        (db) =>
          db`select email, job_finished from notification_preferences where user_id = ${userId}`,
      );
      expect(prefs).toEqual({ email: true, job_finished: true });

      // Deleting removes it from the list.
      await page.getByRole('button', { name: `Delete “${title}”` }).click();
      await page
        .getByRole('listitem')
        .filter({ hasText: title })
        .waitFor({ state: 'detached', ...TIMEOUT });
      await page
        .getByRole('region', { name: 'All notifications' })
        .getByText('No notifications yet.')
        .waitFor(TIMEOUT);
    } finally {
      await context.close();
    }
  });
});
