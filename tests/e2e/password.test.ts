import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { query } from '../helpers/accounts';
import { call, PASSWORD, randomIp, registerUser } from '../helpers/api';
import { awaitFreshStep, totpCode } from '../helpers/two-factor';
import { launchBrowser, openSite } from './browser';

const TIMEOUT = { timeout: 15_000 };
const NEW_PASSWORD = 'a brand new passphrase 77';

async function expectHeading(page: Page, name: string | RegExp): Promise<void> {
  await page.getByRole('heading', { level: 1, name }).waitFor(TIMEOUT);
}

async function logIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login');
  await expectHeading(page, 'Log in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

async function openArea(page: Page, link: string, heading: string): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Main navigation' })
    .getByRole('link', { name: link })
    .click();
  await expectHeading(page, heading);
}

/** A digit-wise different code: never the valid one. */
const wrongCode = (code: string) =>
  code.replace(/\d/g, (digit) => String((Number(digit) + 5) % 10));

describe('password change in the browser', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  test('with two-factor sign-in on, the change asks for a code and the new password signs in with one', async () => {
    const name = 'Paula Twofactor';
    const user = await registerUser({ name });
    const { context, page } = await openSite(browser);
    try {
      await logIn(page, user.email, PASSWORD);
      await expectHeading(page, `Hello, ${name}`);

      // Enrol with the code of the previous step: the current and the next stay free for the
      // re-authentication and the sign-in below (a step is accepted once only).
      await openArea(page, 'Security', 'Security');
      await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
      const secret = (await page.locator('#totp-secret').textContent(TIMEOUT)) ?? '';
      expect(secret).toMatch(/^[A-Z2-7]{32}$/);
      await awaitFreshStep();
      await page.getByLabel('Code from the app').fill(totpCode(secret, -1));
      await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
      await page.getByRole('button', { name: 'I have saved them' }).click(TIMEOUT);
      await page.getByText('Recovery codes left: 10.').waitFor(TIMEOUT);

      await openArea(page, 'Sessions', 'Active sessions');
      await page.getByRole('link', { name: 'Change your password' }).click();
      await expectHeading(page, 'Change your password');
      const codeField = page.getByLabel('Authentication code');
      await codeField.waitFor(TIMEOUT);

      // The sign-in is over ten minutes old: the change re-authenticates with password and code.
      await query(
        (db) =>
          db`update sessions set authenticated_at = now() - interval '1 hour' where user_id = ${user.id}`,
      );
      await page.getByLabel('Current password').fill(PASSWORD);
      await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
      await codeField.fill(wrongCode(totpCode(secret)));
      await page.getByRole('button', { name: 'Change password' }).click();
      await page
        .getByRole('alert')
        .getByText('The code is wrong or was already used.')
        .waitFor(TIMEOUT);
      // Still signed in on this page: a wrong code is the user's mistake, not a dead session.
      await expectHeading(page, 'Change your password');

      await codeField.fill(totpCode(secret));
      await page.getByRole('button', { name: 'Change password' }).click();
      // The session registerUser opened is signed out with the change.
      await page
        .getByText('Your password was changed and 1 other session(s) were signed out.')
        .waitFor(TIMEOUT);
      const actions = await query(
        (db) =>
          db`select action from audit_log where user_id = ${user.id} and action in ('reauth.failed', 'reauth.succeeded', 'password.changed') order by created_at`,
      );
      expect(actions.map((row) => row.action)).toEqual([
        'reauth.failed',
        'reauth.succeeded',
        'password.changed',
      ]);
      const old = await call('/api/auth/login', {
        json: { email: user.email, password: PASSWORD },
        ip: randomIp(),
      });
      expect(old.status).toBe(401);

      await page.getByRole('button', { name: `Account menu for ${name}` }).click();
      await page.getByRole('button', { name: 'Log out' }).click();
      await expectHeading(page, 'Log in');
      await page.getByLabel('Email').fill(user.email);
      await page.getByLabel('Password', { exact: true }).fill(NEW_PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      await expectHeading(page, 'Two-factor sign-in');
      await page.getByLabel('Authentication code').fill(totpCode(secret, 1));
      await page.getByRole('button', { name: 'Verify' }).click();
      await expectHeading(page, `Hello, ${name}`);
    } finally {
      await context.close();
    }
  });
});
