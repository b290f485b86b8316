import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchBrowser, openSite } from './browser';

const TIMEOUT = { timeout: 15_000 };

/** Waits for the page's main heading, which every page has once it is rendered. */
async function expectHeading(page: Page, name: string | RegExp): Promise<void> {
  await page.getByRole('heading', { level: 1, name }).waitFor(TIMEOUT);
}

async function fillLogin(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
}

describe('sign-up, sign-in and sign-out in the browser', () => {
  let browser: Browser;
  const name = 'Alice Martin';
  const email = `alice+${randomUUID()}@example.com`;
  const password = 'correct horse battery staple 42';

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  test('a signed-out visitor asking for a protected page is sent to /login', async () => {
    const { context, page } = await openSite(browser);
    try {
      await page.goto('/chat');
      await expectHeading(page, 'Log in');
      const url = new URL(page.url());
      expect(url.pathname).toBe('/login');
      expect(url.searchParams.get('next')).toBe('/chat');
    } finally {
      await context.close();
    }
  });

  test('register, see the greeting, log out, log in again, switch to French', async () => {
    const { context, page } = await openSite(browser);
    try {
      await page.goto('/register');
      await expectHeading(page, 'Create your account');
      await page.getByLabel('Name').fill(name);
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(password);
      await expect(page.getByText(/^Password strength: /).textContent()).resolves.toMatch(
        /strong|good/,
      );
      await page.getByRole('button', { name: 'Create account' }).click();

      await expectHeading(page, `Hello, ${name}`);
      expect(new URL(page.url()).pathname).toBe('/');
      const main = page.getByRole('main');
      await main.getByText(email, { exact: true }).waitFor(TIMEOUT);
      await main.getByText('Free', { exact: true }).waitFor(TIMEOUT);
      await page.getByRole('navigation', { name: 'Main navigation' }).waitFor(TIMEOUT);
      expect(await page.getByRole('link', { name: /^Admin/ }).count()).toBe(0);

      // The session survives a reload: the refresh cookie restores it.
      await page.reload();
      await expectHeading(page, `Hello, ${name}`);

      await page.getByRole('button', { name: `Account menu for ${name}` }).click();
      await page.getByRole('button', { name: 'Log out' }).click();
      await expectHeading(page, 'Log in');
      expect(new URL(page.url()).pathname).toBe('/login');

      // Signed out for real: the dashboard is no longer reachable, even after a reload.
      await page.goto('/');
      await expectHeading(page, 'Log in');

      await fillLogin(page, email, password);
      await page.getByRole('button', { name: 'Log in' }).click();
      await expectHeading(page, `Hello, ${name}`);

      await page.getByRole('button', { name: 'Français' }).click();
      await expectHeading(page, `Bonjour, ${name}`);
      const nav = page.getByRole('navigation', { name: 'Navigation principale' });
      await nav.getByRole('link', { name: /^Tableau de bord/ }).waitFor(TIMEOUT);
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('fr');

      // The choice is remembered across page loads.
      await page.reload();
      await expectHeading(page, `Bonjour, ${name}`);

      // An area that is not built yet says so instead of showing made-up content.
      await nav.getByRole('link', { name: /^Workflows/ }).click();
      await expectHeading(page, 'Workflows');
      await page.getByText('Bientôt disponible').first().waitFor(TIMEOUT);
    } finally {
      await context.close();
    }
  });

  test('a wrong password shows the API error next to the form', async () => {
    const { context, page } = await openSite(browser);
    try {
      await page.goto('/login');
      await expectHeading(page, 'Log in');
      await fillLogin(page, email, 'not the password at all');
      const [response] = await Promise.all([
        page.waitForResponse((res) => res.url().endsWith('/api/auth/login')),
        page.getByRole('button', { name: 'Log in' }).click(),
      ]);
      expect(response.status()).toBe(401);
      expect(response.headers()['content-type']).toContain('application/problem+json');
      const problem: { detail: string } = await response.json();

      const alert = page.getByRole('alert');
      await alert.waitFor(TIMEOUT);
      expect(await alert.textContent()).toContain(problem.detail);
      expect(new URL(page.url()).pathname).toBe('/login');
    } finally {
      await context.close();
    }
  });
});
