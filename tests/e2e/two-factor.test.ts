import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { awaitFreshStep, totpCode } from '../helpers/two-factor';
import { launchBrowser, openSite } from './browser';

const TIMEOUT = { timeout: 15_000 };
const PASSWORD = 'correct horse battery staple 42';

async function expectHeading(page: Page, name: string | RegExp): Promise<void> {
  await page.getByRole('heading', { level: 1, name }).waitFor(TIMEOUT);
}

async function signUp(page: Page, name: string, email: string): Promise<void> {
  await page.goto('/register');
  await expectHeading(page, 'Create your account');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expectHeading(page, `Hello, ${name}`);
}

async function openSecurity(page: Page): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Main navigation' })
    .getByRole('link', { name: 'Security' })
    .click();
  await expectHeading(page, 'Security');
}

async function signOut(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: `Account menu for ${name}` }).click();
  await page.getByRole('button', { name: 'Log out' }).click();
  await expectHeading(page, 'Log in');
}

describe('two-factor sign-in and passkeys in the browser', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  test('enrol an authenticator app, sign out, sign in with the password then a code', async () => {
    const { context, page } = await openSite(browser);
    const name = 'Tess Otp';
    const email = `tess+${randomUUID()}@example.com`;
    try {
      await signUp(page, name, email);
      await openSecurity(page);
      await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
      const secret = (await page.locator('#totp-secret').textContent({ timeout: 15_000 })) ?? '';
      expect(secret).toMatch(/^[A-Z2-7]{32}$/);
      await expect(page.getByRole('img', { name: /QR code/ }).getAttribute('src')).resolves.toMatch(
        /^data:image\/svg\+xml/,
      );

      await awaitFreshStep();
      await page.getByLabel('Code from the app').fill(totpCode(secret));
      await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
      const codes = page.getByRole('list', { name: 'Your recovery codes' }).getByRole('listitem');
      await codes.first().waitFor(TIMEOUT);
      expect(await codes.count()).toBe(10);
      const recovery = (await codes.first().textContent()) ?? '';
      expect(recovery).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
      await page.getByRole('button', { name: 'I have saved them' }).click();
      await page.getByText('Recovery codes left: 10.').waitFor(TIMEOUT);

      await signOut(page, name);
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      await expectHeading(page, 'Two-factor sign-in');

      // A wrong code is refused next to the form; the code of the next step then works
      // (the enrolment already spent the current one).
      await page.getByLabel('Authentication code').fill('000000');
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.getByRole('alert').waitFor(TIMEOUT);
      await page.getByLabel('Authentication code').fill(totpCode(secret, 1));
      await page.getByRole('button', { name: 'Verify' }).click();
      await expectHeading(page, `Hello, ${name}`);

      // And a recovery code, once.
      await signOut(page, name);
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      await expectHeading(page, 'Two-factor sign-in');
      await page.getByLabel('Authentication code').fill(recovery);
      await page.getByRole('button', { name: 'Verify' }).click();
      await expectHeading(page, `Hello, ${name}`);
    } finally {
      await context.close();
    }
  });

  test('add a passkey with a virtual authenticator, sign out, sign in with it', async () => {
    const { context, page } = await openSite(browser);
    const name = 'Pat Passkey';
    const email = `pat+${randomUUID()}@example.com`;
    try {
      const cdp = await context.newCDPSession(page);
      await cdp.send('WebAuthn.enable');
      await cdp.send('WebAuthn.addVirtualAuthenticator', {
        options: {
          protocol: 'ctap2',
          transport: 'internal',
          hasResidentKey: true,
          hasUserVerification: true,
          isUserVerified: true,
        },
      });

      await signUp(page, name, email);
      await openSecurity(page);
      await page.getByText('No passkey yet.').waitFor(TIMEOUT);
      await page.getByLabel('Name of the new passkey (optional)').fill('Test laptop');
      await page.getByRole('button', { name: 'Add a passkey' }).click();
      await page.getByText('Passkey “Test laptop” added.').waitFor(TIMEOUT);
      const list = page.getByRole('list', { name: 'Passkeys' });
      await list.getByRole('heading', { name: 'Test laptop' }).waitFor(TIMEOUT);

      await page.getByRole('button', { name: 'Rename Test laptop' }).click();
      await page.getByLabel('Name', { exact: true }).fill('Work laptop');
      await page.getByRole('button', { name: 'Save' }).click();
      await list.getByRole('heading', { name: 'Work laptop' }).waitFor(TIMEOUT);

      await signOut(page, name);
      const [response] = await Promise.all([
        page.waitForResponse((res) => res.url().endsWith('/api/auth/passkeys/login/verify')),
        page.getByRole('button', { name: 'Sign in with a passkey' }).click(),
      ]);
      expect(response.status()).toBe(200);
      await expectHeading(page, `Hello, ${name}`);

      await openSecurity(page);
      await list.getByText(/last used/).waitFor(TIMEOUT);
    } finally {
      await context.close();
    }
  });
});
