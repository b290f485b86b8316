import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { registerUser } from '../helpers/api';
import { launchBrowser, openSite } from './browser';

const TIMEOUT = { timeout: 15_000 };

/** Waits for the page's main heading, which every page has once it is rendered. */
async function expectHeading(page: Page, name: string | RegExp): Promise<void> {
  await page.getByRole('heading', { level: 1, name }).waitFor(TIMEOUT);
}

async function isFocused(target: Locator): Promise<boolean> {
  return target.evaluate((element) => element === document.activeElement);
}

/** What has the focus, for failure messages: tag, id and accessible text. */
async function focusedElement(page: Page): Promise<string> {
  return page.evaluate(() => {
    const element = document.activeElement;
    if (!element) return 'nothing';
    const name = element.getAttribute('aria-label') ?? element.textContent?.trim().slice(0, 40);
    return `${element.tagName.toLowerCase()}#${element.id} “${name ?? ''}”`;
  });
}

/**
 * Presses `key` (Tab or Shift+Tab) until `target` has the focus, as a keyboard user moving
 * through the page would; fails when it is not reached within `max` presses.
 */
async function pressUntilFocused(page: Page, target: Locator, key = 'Tab', max = 60) {
  for (let presses = 0; presses < max; presses++) {
    if (await isFocused(target)) return;
    await page.keyboard.press(key);
  }
  throw new Error(`${key} never reached the target; focus is on ${await focusedElement(page)}`);
}

/**
 * Checks that `target` gets the focus. Polled briefly: a component moves the focus in an
 * effect, which runs just after the paint that made the element visible.
 */
async function expectFocused(page: Page, target: Locator): Promise<void> {
  try {
    await expect.poll(() => isFocused(target), { timeout: 5_000 }).toBe(true);
  } catch {
    throw new Error(`the focus never reached the target; it is on ${await focusedElement(page)}`);
  }
}

/** The header's sort state once the table re-rendered after a key press. */
async function expectSort(header: Locator, state: string): Promise<void> {
  await expect.poll(() => header.getAttribute('aria-sort'), { timeout: 5_000 }).toBe(state);
}

describe('the site by keyboard alone', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  test('sign in after a refused attempt, sort the sessions table, and sign out another session', async () => {
    // The account, and a second session of it (the API sign-up), to be signed out later.
    const user = await registerUser({ name: 'Kim Keys' });
    const { context, page } = await openSite(browser);
    try {
      await page.goto('/login');
      await expectHeading(page, 'Log in');
      const email = page.getByLabel('Email');
      const password = page.getByLabel('Password', { exact: true });

      // Tab in from the top of the page to the e-mail field, type, Tab on to the password.
      await pressUntilFocused(page, email);
      await page.keyboard.type(user.email);
      await page.keyboard.press('Tab');
      await expectFocused(page, password);
      await page.keyboard.type('not the password at all');
      await page.keyboard.press('Enter');

      // The refusal is announced in an alert region, which takes the focus.
      const alert = page.getByRole('alert');
      await alert.waitFor(TIMEOUT);
      expect(await alert.textContent()).toContain('The e-mail address or the password is wrong.');
      expect(await alert.getAttribute('aria-live')).toBe('assertive');
      await expectFocused(page, alert);
      expect(new URL(page.url()).pathname).toBe('/login');

      // Back to the password field (the e-mail kept its value), replace it, submit with Enter.
      await pressUntilFocused(page, password);
      expect(await email.inputValue()).toBe(user.email);
      await page.keyboard.press('Shift+Tab');
      await expectFocused(page, email);
      await page.keyboard.press('Tab');
      await expectFocused(page, password);
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.type(user.password);
      await page.keyboard.press('Enter');
      await expectHeading(page, 'Hello, Kim Keys');

      // A DataTable: its sortable header is a button; Enter sorts, Enter again reverses.
      await page.goto('/sessions');
      await expectHeading(page, 'Active sessions');
      const table = page.getByRole('table', { name: 'Active sessions' });
      const header = table.getByRole('columnheader', { name: /Last active/ });
      const sortButton = table.getByRole('button', { name: 'Sort by Last active' });
      await table.getByRole('button', { name: /^Sign out / }).waitFor(TIMEOUT);
      expect(await header.getAttribute('aria-sort')).toBe('none');
      await pressUntilFocused(page, sortButton);
      await page.keyboard.press('Enter');
      await expectSort(header, 'ascending');
      await page.keyboard.press('Enter');
      await expectSort(header, 'descending');
      await expectFocused(page, sortButton);

      // A ConfirmAction: Enter asks, with the focus on Cancel; Escape cancels and gives the
      // focus back; asked again, Shift+Tab reaches the confirming button and Space confirms.
      expect(await table.locator('tbody tr').count()).toBe(2);
      const revoke = table.getByRole('button', { name: /^Sign out / });
      await pressUntilFocused(page, revoke);
      await page.keyboard.press('Enter');
      const question = table.getByRole('group', { name: /^Sign out .+\?$/ });
      await question.waitFor(TIMEOUT);
      await expectFocused(page, question.getByRole('button', { name: 'Cancel' }));
      await page.keyboard.press('Escape');
      await question.waitFor({ state: 'detached', ...TIMEOUT });
      await expectFocused(page, revoke);
      expect(await table.locator('tbody tr').count()).toBe(2);

      await page.keyboard.press('Enter');
      await expectFocused(page, question.getByRole('button', { name: 'Cancel' }));
      await page.keyboard.press('Shift+Tab');
      await expectFocused(page, question.getByRole('button', { name: 'Sign out', exact: true }));
      await page.keyboard.press('Space');
      await expect.poll(() => table.locator('tbody tr').count(), TIMEOUT).toBe(1);
    } finally {
      await context.close();
    }
  });
});
