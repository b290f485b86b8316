import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { encodePng } from '../../functions/generation/encoders/png';
import { PASSWORD, registerUser } from '../helpers/api';
import { startJob, waitForJob } from '../helpers/generation';
import { launchBrowser, openSite } from './browser';

const TIMEOUT = { timeout: 15_000 };

function png(width: number, height: number): Buffer {
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) rgba.set([i % 256, 80, 160, 255], i * 4);
  return Buffer.from(encodePng(width, height, rgba));
}

describe('media manager in the browser', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  test('upload a PNG, see its thumbnail, rename it, file it in a folder and delete it', async () => {
    const { context, page } = await openSite(browser);
    try {
      await page.goto('/register');
      await page.getByLabel('Name').fill('Mia Media');
      await page.getByLabel('Email').fill(`media+${randomUUID()}@example.com`);
      await page.getByLabel('Password').fill('correct horse battery staple 42');
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.getByRole('heading', { level: 1, name: 'Hello, Mia Media' }).waitFor(TIMEOUT);

      await page
        .getByRole('navigation', { name: 'Main navigation' })
        .getByRole('link', { name: /^Media/ })
        .click();
      await page.getByRole('heading', { level: 1, name: 'Media' }).waitFor(TIMEOUT);
      await page.getByText('No files here yet. Upload some, or generate them.').waitFor(TIMEOUT);

      await page.locator('#media-upload').setInputFiles({
        name: 'sunrise.png',
        mimeType: 'image/png',
        buffer: png(320, 200),
      });
      const grid = page.getByRole('region', { name: 'Files' });
      const card = grid.getByRole('article', { name: 'sunrise.png' });
      await card.waitFor(TIMEOUT);
      await page
        .getByRole('list', { name: 'Uploads' })
        .getByText('Uploaded', { exact: true })
        .waitFor(TIMEOUT);
      await card.getByText('320×200').waitFor(TIMEOUT);
      // An upload is not the offline provider's work: no "Offline" badge.
      expect(await card.getByText('Offline', { exact: true }).count()).toBe(0);
      // The thumbnail comes through a signed URL and really loads.
      const image = card.getByRole('img', { name: 'sunrise.png' });
      await expect
        .poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth), TIMEOUT)
        .toBe(256);
      await expect.poll(() => page.getByText(/^1 files/).count(), TIMEOUT).toBe(1);

      await card.getByRole('button', { name: 'Rename' }).click();
      const rename = card.getByRole('form', { name: 'Rename sunrise.png' });
      await rename.getByLabel('New name').fill('dawn.png');
      await rename.getByRole('button', { name: 'Save' }).click();
      const renamed = grid.getByRole('article', { name: 'dawn.png' });
      await renamed.waitFor(TIMEOUT);
      await page.getByText('Renamed to “dawn.png”.').waitFor(TIMEOUT);

      // Search by part of the name, then by a word that matches nothing.
      const search = page.getByRole('textbox', { name: 'Search names and prompts' });
      await search.fill('daw');
      await renamed.waitFor(TIMEOUT);
      await search.fill('nothing-like-this');
      await page.getByText('No files match these filters.').waitFor(TIMEOUT);
      await search.fill('');
      await renamed.waitFor(TIMEOUT);

      // A folder, then the file moved into it: it shows there and not at the top level.
      await page.getByRole('button', { name: 'New folder' }).click();
      await page.getByLabel('Folder name').fill('Mornings');
      await page
        .getByRole('form', { name: 'New folder' })
        .getByRole('button', { name: 'Save' })
        .click();
      const tree = page.getByRole('navigation', { name: 'Folders' });
      await tree.getByRole('button', { name: 'Mornings' }).waitFor(TIMEOUT);
      await renamed.getByRole('button', { name: 'Move' }).click();
      await renamed.getByLabel('Move to folder').selectOption({ label: 'Mornings' });
      await renamed
        .getByRole('form', { name: 'Move dawn.png' })
        .getByRole('button', { name: 'Move' })
        .click();
      await page.getByText('“dawn.png” moved.').waitFor(TIMEOUT);
      await tree.getByRole('button', { name: 'Top level' }).click();
      await page.getByText('No files here yet. Upload some, or generate them.').waitFor(TIMEOUT);
      await tree.getByRole('button', { name: 'Mornings' }).click();
      await renamed.waitFor(TIMEOUT);

      await renamed.getByRole('button', { name: 'Delete' }).click();
      await renamed.getByRole('button', { name: 'Yes, delete' }).click();
      await page.getByText('“dawn.png” deleted.').waitFor(TIMEOUT);
      await expect.poll(() => grid.count(), TIMEOUT).toBe(0);
      await expect.poll(() => page.getByText(/^0 files/).count(), TIMEOUT).toBe(1);
    } finally {
      await context.close();
    }
  });

  test('a file made by the offline provider carries an "Offline" badge explaining it', async () => {
    const user = await registerUser({ name: 'Olga Offline' });
    const job = await startJob(user, {
      kind: 'image',
      provider: 'offline',
      prompt: 'Un phare sous la lune',
    });
    expect((await waitForJob(user, job.id)).status).toBe('succeeded');
    const { context, page } = await openSite(browser);
    try {
      await page.goto('/login');
      await page.getByLabel('Email').fill(user.email);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('heading', { level: 1, name: 'Hello, Olga Offline' }).waitFor(TIMEOUT);
      await page.goto('/media');
      const card = page.getByRole('region', { name: 'Files' }).getByRole('article').first();
      await card.waitFor(TIMEOUT);
      const badge = card.getByText('Offline', { exact: true });
      await badge.waitFor(TIMEOUT);
      expect(await badge.getAttribute('title')).toMatch(/offline provider/);
      await card.getByText('Generated', { exact: true }).waitFor(TIMEOUT);
    } finally {
      await context.close();
    }
  });
});
