import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createAdmin, query, signIn, tokenFromMail, waitForMail } from '../helpers/accounts';
import { call, PASSWORD, registerUser } from '../helpers/api';
import { launchBrowser, openSite } from './browser';

const TIMEOUT = { timeout: 15_000 };
const FIREFOX_WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';

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

describe('account trust in the browser', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  test('sign up, resend the link, confirm the address: the notice disappears', async () => {
    const { context, page } = await openSite(browser);
    const email = `verify+${randomUUID()}@example.com`;
    try {
      await page.goto('/register');
      await expectHeading(page, 'Create your account');
      await page.getByLabel('Name').fill('Vera Verify');
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill('correct horse battery staple 42');
      await page.getByRole('button', { name: 'Create account' }).click();
      await expectHeading(page, 'Hello, Vera Verify');

      const notice = page.getByRole('heading', { level: 2, name: 'Confirm your e-mail address' });
      await notice.waitFor(TIMEOUT);
      const first = await waitForMail(email, /^Confirm your e-mail address/);
      await page.getByRole('button', { name: 'Resend the link' }).click();
      await page.getByText(`A new link is on its way to ${email}.`).waitFor(TIMEOUT);
      await expect
        .poll(
          async () =>
            (await query((db) => db`select 1 from email_outbox where to_address = ${email}`))
              .length,
          TIMEOUT,
        )
        .toBe(2);
      const mail = await waitForMail(email, /^Confirm your e-mail address/, {
        after: first.created_at,
      });
      const link = new URL(mail.text_body.match(/https?:\/\/\S+\/verify\?token=\S+/)?.[0] ?? '');
      expect(link.pathname).toBe('/verify');
      expect(tokenFromMail(mail, 'verify').length).toBeGreaterThan(20);

      await page.goto(link.pathname + link.search);
      await expectHeading(page, 'E-mail address confirmed');
      await page.getByText(`Thank you: ${email} is confirmed.`).waitFor(TIMEOUT);
      await page.getByRole('link', { name: 'Continue' }).click();
      await expectHeading(page, 'Hello, Vera Verify');
      await page.getByText('Member since').waitFor(TIMEOUT);
      await expect.poll(() => notice.count(), TIMEOUT).toBe(0);

      // The same link a second time says it no longer works.
      await page.goto(link.pathname + link.search);
      await expectHeading(page, 'This link does not work');
      await page.getByRole('alert').waitFor(TIMEOUT);
    } finally {
      await context.close();
    }
  });

  test('forgot password, reset through the mailed link, sign in with the new password', async () => {
    const user = await registerUser({ name: 'Rémi Reset' });
    const { context, page } = await openSite(browser);
    const newPassword = 'a whole new passphrase 2026';
    try {
      await page.goto('/login');
      await expectHeading(page, 'Log in');
      await page.getByRole('link', { name: 'Forgot your password?' }).click();
      await expectHeading(page, 'Reset your password');
      await page.getByLabel('Email').fill(user.email);
      await page.getByRole('button', { name: 'Send the link' }).click();
      await page.getByText(/a reset link is on its way/).waitFor(TIMEOUT);

      const mail = await waitForMail(user.email, /^Réinitialisez votre mot de passe/);
      await page.goto(`/reset?token=${encodeURIComponent(tokenFromMail(mail, 'reset'))}`);
      await expectHeading(page, 'Choose a new password');
      await page.getByLabel('New password', { exact: true }).fill(newPassword);
      await page.getByRole('button', { name: 'Change password' }).click();
      await page
        .getByText('Your password was changed and every session was signed out.')
        .waitFor(TIMEOUT);
      await page.getByRole('link', { name: 'Log in with your new password' }).click();
      await expectHeading(page, 'Log in');

      // The old password no longer works, the new one does; the API session died at once.
      expect((await call('/api/me', { token: user.accessToken })).status).toBe(401);
      await logIn(page, user.email, PASSWORD);
      await page.getByRole('alert').waitFor(TIMEOUT);
      await page.getByLabel('Password', { exact: true }).fill(newPassword);
      await page.getByRole('button', { name: 'Log in' }).click();
      await expectHeading(page, 'Hello, Rémi Reset');
    } finally {
      await context.close();
    }
  });

  test('sessions page: this device is marked, another one is signed out; password changed after re-authentication', async () => {
    const user = await registerUser({ name: 'Sam Sessions' });
    const other = await signIn(user.email, PASSWORD, { userAgent: FIREFOX_WINDOWS });
    const { context, page } = await openSite(browser);
    try {
      await logIn(page, user.email, PASSWORD);
      await expectHeading(page, 'Hello, Sam Sessions');
      await page
        .getByRole('navigation', { name: 'Main navigation' })
        .getByRole('link', { name: 'Sessions' })
        .click();
      await expectHeading(page, 'Active sessions');
      const rows = page.getByRole('table', { name: 'Active sessions' }).locator('tbody tr');
      await expect.poll(() => rows.count(), TIMEOUT).toBe(3);
      const current = rows.filter({ hasText: 'This device' });
      expect(await current.count()).toBe(1);
      // The current device has no sign-out button of its own.
      expect(await current.getByRole('button').count()).toBe(0);

      // Signing out asks first: Cancel keeps the session, the confirming button ends it.
      await page.getByRole('button', { name: 'Sign out Firefox on Windows' }).click();
      const ask = page.getByRole('group', { name: 'Sign out Firefox on Windows?' });
      await ask.getByRole('button', { name: 'Cancel' }).click();
      expect(await rows.count()).toBe(3);
      await page.getByRole('button', { name: 'Sign out Firefox on Windows' }).click();
      await ask.getByRole('button', { name: 'Sign out', exact: true }).click();
      await expect.poll(() => rows.count(), TIMEOUT).toBe(2);
      expect((await call('/api/me', { token: other.accessToken })).status).toBe(401);
      expect((await call('/api/me', { token: user.accessToken })).status).toBe(200);

      await page.getByRole('button', { name: 'Sign out all other devices' }).click();
      await page
        .getByRole('group', { name: 'Sign out every other device?' })
        .getByRole('button', { name: 'Sign out', exact: true })
        .click();
      await page.getByText('1 other session(s) signed out.').waitFor(TIMEOUT);
      await expect.poll(() => rows.count(), TIMEOUT).toBe(1);
      expect((await call('/api/me', { token: user.accessToken })).status).toBe(401);

      // The sign-in is over ten minutes old: the page re-authenticates with the current password.
      await query(
        (db) =>
          db`update sessions set authenticated_at = now() - interval '1 hour' where user_id = ${user.id}`,
      );
      await page.getByRole('link', { name: 'Change your password' }).click();
      await expectHeading(page, 'Change your password');
      await page.getByLabel('Current password').fill(PASSWORD);
      await page.getByLabel('New password', { exact: true }).fill('my changed passphrase 99');
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.getByText('Your password was changed.').waitFor(TIMEOUT);
      const actions = await query(
        (db) =>
          db`select action from audit_log where user_id = ${user.id} and action in ('reauth.succeeded', 'password.changed')`,
      );
      expect(actions.map((a) => a.action).sort()).toEqual(['password.changed', 'reauth.succeeded']);
    } finally {
      await context.close();
    }
  });

  test('admin users page: search and disable an account', async () => {
    const admin = await createAdmin();
    const target = await registerUser({ name: `Target ${randomUUID().slice(0, 8)}` });
    const [row] = await query((db) => db`select name from users where id = ${target.id}`);
    const name = String(row?.name);
    const { context, page } = await openSite(browser);
    try {
      await logIn(page, admin.email, PASSWORD);
      await expectHeading(page, 'Hello, Test Admin');
      await page
        .getByRole('navigation', { name: 'Main navigation' })
        .getByRole('link', { name: 'Users' })
        .click();
      await expectHeading(page, 'Users');
      await page.getByRole('searchbox', { name: 'Search by name or e-mail' }).fill(target.email);
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByText('1 user(s)').waitFor(TIMEOUT);
      const rowEl = page.getByRole('row', { name: new RegExp(name) });
      await rowEl.getByText('Active').waitFor(TIMEOUT);
      await page.getByRole('button', { name: `Disable ${name}` }).click();
      await rowEl.getByText('Disabled').waitFor(TIMEOUT);
      expect((await call('/api/me', { token: target.accessToken })).status).toBe(401);
      await page.getByRole('button', { name: `Enable ${name}` }).click();
      await rowEl.getByText('Active').waitFor(TIMEOUT);
    } finally {
      await context.close();
    }
  });
});
