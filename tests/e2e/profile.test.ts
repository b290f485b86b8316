import { randomBytes, randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { png } from '../helpers/profile';
import { launchBrowser, openSite } from './browser';

const TIMEOUT = { timeout: 15_000 };

async function expectHeading(page: Page, name: string | RegExp): Promise<void> {
  await page.getByRole('heading', { level: 1, name }).waitFor(TIMEOUT);
}

describe('profile, avatar, own AI keys and activity in the browser', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  test('edit the profile, upload an avatar, add and test a key, read the activity', async () => {
    const { context, page } = await openSite(browser);
    const email = `profile+${randomUUID()}@example.com`;
    const apiKey = `sk-valid-${randomBytes(20).toString('hex')}`;
    try {
      await page.goto('/register');
      await expectHeading(page, 'Create your account');
      await page.getByLabel('Name').fill('Paul Profile');
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill('correct horse battery staple 42');
      await page.getByRole('button', { name: 'Create account' }).click();
      await expectHeading(page, 'Hello, Paul Profile');

      const nav = page.getByRole('navigation', { name: 'Main navigation' });
      await nav.getByRole('link', { name: /^Profile/ }).click();
      await expectHeading(page, 'Profile');

      // Name, language and theme: saving applies the language and the theme at once.
      await page.getByLabel('Name', { exact: true }).fill('Pauline Profile');
      await page.getByLabel('Language', { exact: true }).selectOption('fr');
      await page.getByLabel('Theme', { exact: true }).selectOption('dark');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await page.getByText('Votre profil est enregistré.').waitFor(TIMEOUT);
      await expectHeading(page, 'Profil');
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('fr');
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
      await page
        .getByRole('button', { name: 'Menu du compte de Pauline Profile' })
        .waitFor(TIMEOUT);

      // Back to English for the rest (the top bar only changes this browser's language).
      await page.getByRole('button', { name: 'English' }).click();
      await expectHeading(page, 'Profile');

      // A file that is not an image is refused with a clear message.
      const avatarInput = page.getByLabel('Choose an image');
      await avatarInput.setInputFiles({
        name: 'notes.png',
        mimeType: 'image/png',
        buffer: Buffer.from('just some text, not a picture'),
      });
      const alert = page.getByRole('alert');
      await alert.waitFor(TIMEOUT);
      expect(await alert.textContent()).toContain('Choose a PNG, JPEG, WebP or GIF image.');

      await avatarInput.setInputFiles({
        name: 'me.png',
        mimeType: 'image/png',
        buffer: png(64, 64),
      });
      await page.getByText('Your avatar is saved.').waitFor(TIMEOUT);
      const avatar = page.getByRole('img', { name: 'Your avatar' });
      await avatar.waitFor(TIMEOUT);
      await expect
        .poll(() => avatar.evaluate((img) => (img as HTMLImageElement).naturalWidth), TIMEOUT)
        .toBe(64);

      await nav.getByRole('link', { name: /^AI keys/ }).click();
      await expectHeading(page, 'AI keys');
      const openai = page.getByRole('region', { name: 'OpenAI' });
      await openai.getByLabel('OpenAI API key').fill(apiKey);
      await openai.getByRole('button', { name: 'Save key' }).click();
      await openai.getByText('Your OpenAI key is saved.').waitFor(TIMEOUT);
      await openai.getByText(`•••• ${apiKey.slice(-4)}`).waitFor(TIMEOUT);
      await openai.getByRole('button', { name: 'Test' }).click();
      await openai.getByText('OpenAI accepted the key (3 models available).').waitFor(TIMEOUT);
      expect(await openai.getByLabel('OpenAI API key').inputValue()).toBe('');
      const html = await page.content();
      expect(html).not.toContain(apiKey);
      expect(html).not.toContain(apiKey.slice(0, -4));

      await page.reload();
      await expectHeading(page, 'AI keys');
      await page.getByText('Worked when tested on', { exact: false }).waitFor(TIMEOUT);
      expect(await page.content()).not.toContain(apiKey.slice(0, -4));

      await nav.getByRole('link', { name: /^Activity/ }).click();
      await expectHeading(page, 'Activity');
      const table = page.getByRole('table');
      for (const label of [
        'AI key tested',
        'AI key added',
        'Avatar changed',
        'Profile updated',
        'Account created',
      ]) {
        await table.getByText(label).first().waitFor(TIMEOUT);
      }
      const actions = await page
        .locator('tbody tr')
        .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-action')));
      expect(actions.slice(0, 4)).toEqual([
        'key.tested',
        'key.added',
        'avatar.updated',
        'profile.updated',
      ]);
      expect(await page.content()).not.toContain(apiKey.slice(0, -4));
    } finally {
      await context.close();
    }
  });
});
