import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { call, PASSWORD, registerUser, type TestUser } from '../helpers/api';
import { startJob } from '../helpers/generation';
import { launchBrowser, openSite } from './browser';

const TIMEOUT = { timeout: 15_000 };
/** How long a job may take in the browser; each test stays within 90 s. */
const JOB_TIMEOUT = { timeout: 70_000, interval: 250 };
const TEST_MS = 90_000;

async function expectHeading(page: Page, name: string | RegExp): Promise<void> {
  await page.getByRole('heading', { level: 1, name }).waitFor(TIMEOUT);
}

/** A fresh account, signed in in a fresh browser context, on the generation page's tab. */
async function onGeneration(
  browser: Browser,
  tab: string,
): Promise<{ context: BrowserContext; page: Page; user: TestUser }> {
  const name = 'Gaëlle Génère';
  const user = await registerUser({ name });
  const { context, page } = await openSite(browser);
  await page.goto('/login');
  await expectHeading(page, 'Log in');
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expectHeading(page, `Hello, ${name}`);
  await page
    .getByRole('navigation', { name: 'Main navigation' })
    .getByRole('link', { name: 'Generation' })
    .click();
  await expectHeading(page, 'Generation');
  await page.getByRole('tab', { name: tab, exact: true }).click();
  await page.waitForURL(/[?&]tab=/, TIMEOUT);
  expect(
    await page.getByRole('tab', { name: tab, exact: true }).getAttribute('aria-selected'),
  ).toBe('true');
  await page.getByRole('button', { name: 'Generate' }).waitFor(TIMEOUT);
  return { context, page, user };
}

/**
 * Starts recording, inside the page, every value the jobs list's progress bars show and
 * marks the window, so the test can tell later that the page was never reloaded.
 */
async function recordProgress(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: string[] = [];
    const w = window as unknown as { __genSeen: string[]; __genMarker: boolean };
    w.__genSeen = seen;
    w.__genMarker = true;
    const sample = () => {
      for (const bar of document.querySelectorAll('.gen-jobs progress')) {
        const value = bar.getAttribute('aria-valuenow') ?? '';
        if (seen.at(-1) !== value) seen.push(value);
      }
    };
    new MutationObserver(sample).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['aria-valuenow'],
    });
  });
}

async function recorded(page: Page): Promise<{ seen: string[]; sameDocument: boolean }> {
  return page.evaluate(() => {
    const w = window as unknown as { __genSeen?: string[]; __genMarker?: boolean };
    return { seen: w.__genSeen ?? [], sameDocument: w.__genMarker === true };
  });
}

/** The id of the job the page opened after Generate (`?job=`). */
async function openedJob(page: Page, before: string | null = null): Promise<string> {
  await page.waitForURL((url) => {
    const job = url.searchParams.get('job');
    return job !== null && job !== before && /^[0-9a-f-]{36}$/.test(job);
  }, TIMEOUT);
  return new URL(page.url()).searchParams.get('job') ?? '';
}

function jobCard(page: Page, id: string): Locator {
  return page.locator(`.gen-jobs article[data-job-id="${id}"]`);
}

/** Waits for the job's card to say it succeeded (failing fast with the error if it failed). */
async function succeeded(page: Page, id: string): Promise<void> {
  const card = jobCard(page, id);
  await expect
    .poll(async () => {
      const status = await card.getAttribute('data-status');
      if (status === 'failed') {
        throw new Error(`job failed: ${await card.locator('.gen-job-error').textContent()}`);
      }
      return status;
    }, JOB_TIMEOUT)
    .toBe('succeeded');
}

async function naturalWidth(image: Locator): Promise<number> {
  return image.evaluate(async (element) => {
    const img = element as HTMLImageElement;
    if (!img.complete) await img.decode().catch(() => undefined);
    return img.naturalWidth;
  });
}

describe('generation in the browser', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  test(
    'an offline image: the bar fills to 100 % live, without a reload, then the image shows',
    async () => {
      const { context, page } = await onGeneration(browser, 'Image');
      try {
        const offline = page.getByRole('radio', { name: /^Offline/ });
        await offline.check();
        expect(await offline.isChecked()).toBe(true);
        // Providers without a key are listed, disabled, with the setting that would enable them.
        const disabled = await page.locator('input[name="image-provider"]:disabled').count();
        expect(await page.getByText(/not configured — \S+/).count()).toBe(disabled);
        await page.getByLabel('Prompt', { exact: true }).fill('Un phare breton sous la pluie');
        await recordProgress(page);
        await page.getByRole('button', { name: 'Generate' }).click();
        const id = await openedJob(page);

        const card = jobCard(page, id);
        await card.getByRole('progressbar').waitFor(TIMEOUT);
        await succeeded(page, id);
        await expect
          .poll(() => card.getByRole('progressbar').getAttribute('aria-valuenow'), TIMEOUT)
          .toBe('100');

        const { seen, sameDocument } = await recorded(page);
        expect(sameDocument).toBe(true);
        // The bar was on screen before the end (a queued or running value), then reached 100.
        expect(seen.some((value) => Number(value) < 100)).toBe(true);
        expect(seen.at(-1)).toBe('100');

        await card.getByText('offline', { exact: true }).waitFor(TIMEOUT);
        expect(await card.getByText(/cost \$0\.00/).count()).toBe(1);
        const image = page.locator('.gen-selected .gen-gallery img').first();
        await image.waitFor(TIMEOUT);
        await expect.poll(() => naturalWidth(image), TIMEOUT).toBeGreaterThan(0);
        // The file itself is marked as made by the offline provider, with a title saying so.
        const fileBadge = page
          .locator('.gen-selected .gen-gallery li')
          .first()
          .getByText('Offline', { exact: true });
        await fileBadge.waitFor(TIMEOUT);
        expect(await fileBadge.getAttribute('title')).toMatch(/offline provider/);

        // A click enlarges it in a dialog.
        await page.getByRole('button', { name: 'Enlarge image 1' }).click();
        const dialog = page.locator('dialog.gen-dialog');
        await dialog.locator('img').waitFor(TIMEOUT);
        expect(await naturalWidth(dialog.locator('img'))).toBeGreaterThan(0);
        await dialog.getByRole('button', { name: 'Close' }).click();
        await dialog.waitFor({ state: 'hidden', ...TIMEOUT });

        // The link a notification carries opens the same job on a fresh load.
        await page.goto(`/generation?job=${id}`);
        await page.locator(`.gen-selected[data-job-id="${id}"]`).waitFor(TIMEOUT);
        expect(await naturalWidth(page.locator('.gen-selected .gen-gallery img').first())).toBe(
          await naturalWidth(image),
        );
      } finally {
        await context.close();
      }
    },
    TEST_MS,
  );

  test(
    'an offline eBook with a French title: the PDF behind "Open PDF" is a real PDF',
    async () => {
      const { context, page } = await onGeneration(browser, 'eBook');
      try {
        const title = 'Les étés à Noël : contes de la forêt enneigée';
        const model = page.getByLabel('Writing model');
        await model.selectOption('offline/offline-detailed');
        expect(await model.inputValue()).toBe('offline/offline-detailed');
        await page.getByLabel('Title', { exact: true }).fill(title);
        await page
          .getByLabel('Subject', { exact: true })
          .fill('Des histoires de saison pour les enfants, à lire au coin du feu');
        await page.getByLabel('Chapters').fill('3');
        await page.getByLabel('Language').selectOption('fr');
        await recordProgress(page);
        await page.getByRole('button', { name: 'Generate' }).click();
        const id = await openedJob(page);
        await jobCard(page, id).getByRole('progressbar').waitFor(TIMEOUT);
        await succeeded(page, id);

        const { seen, sameDocument } = await recorded(page);
        expect(sameDocument).toBe(true);
        // Outline, three chapters, cover and files: the bar moved through several steps.
        expect(new Set(seen.filter((value) => Number(value) < 100)).size).toBeGreaterThanOrEqual(3);
        expect(seen.at(-1)).toBe('100');

        const selected = page.locator(`.gen-selected[data-job-id="${id}"]`);
        await selected.getByRole('heading', { level: 2, name: title }).waitFor(TIMEOUT);
        await selected.getByText(/\d+ pages · 3 chapters/).waitFor(TIMEOUT);
        const cover = selected.getByRole('img', { name: `Cover of ${title}` });
        await expect.poll(() => naturalWidth(cover), TIMEOUT).toBeGreaterThan(0);

        const href = await selected.getByRole('link', { name: 'Open PDF' }).getAttribute('href');
        expect(href).toBeTruthy();
        const res = await page.request.get(href ?? '');
        expect(res.status()).toBe(200);
        const pdf = await res.body();
        expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
        expect(pdf.length).toBeGreaterThan(2048);
        const { getDocumentProxy, extractText } = await import('unpdf');
        const { text } = await extractText(await getDocumentProxy(new Uint8Array(pdf)), {
          mergePages: true,
        });
        // The accents survive the typesetting (the title is on the cover page).
        expect(text.replace(/\s+/g, ' ')).toContain('Les étés à Noël');

        const epubHref = await selected
          .getByRole('link', { name: 'Download EPUB' })
          .getAttribute('href');
        const epub = await (await page.request.get(epubHref ?? '')).body();
        expect(epub.subarray(0, 2).toString('latin1')).toBe('PK');
        // Both files are marked as made by the offline provider.
        expect(await selected.getByText('Offline', { exact: true }).count()).toBe(2);
      } finally {
        await context.close();
      }
    },
    TEST_MS,
  );

  test(
    'an offline short plays as a slideshow: scene picture and caption follow the voice-over',
    async () => {
      const { context, page } = await onGeneration(browser, 'Short');
      try {
        await page.getByLabel('Writing model').selectOption('offline/offline-brief');
        await page
          .getByLabel('Topic', { exact: true })
          .fill('Trois astuces pour mieux dormir en été');
        await page.getByLabel('Scenes').fill('3');
        await page.getByLabel('Duration (seconds)').selectOption('15');
        await page.locator('input[name="short-image-provider"][value="offline"]').check();
        await page.locator('input[name="short-speech-provider"][value="offline"]').check();
        await page.getByRole('button', { name: 'Generate' }).click();
        const id = await openedJob(page);
        await succeeded(page, id);

        const player = page.getByRole('region', { name: 'Short player' });
        await player.waitFor(TIMEOUT);
        const stage = player.locator('figure.gen-short-stage');
        const picture = stage.locator('img');
        const caption = stage.locator('figcaption');
        await expect.poll(() => naturalWidth(picture), TIMEOUT).toBeGreaterThan(0);
        const first = (await caption.textContent())?.trim() ?? '';
        expect(first.length).toBeGreaterThan(0);
        expect(await stage.getAttribute('data-scene')).toBe('0');
        await player.locator('.gen-short-bar').getByText('Scene 1 of 3').waitFor(TIMEOUT);

        // Moving the voice-over into the last scene's time brings its picture and caption.
        const audio = player.locator('audio');
        expect(await audio.count()).toBe(1);
        await expect
          .poll(() => audio.evaluate((el) => (el as HTMLAudioElement).duration || 0), TIMEOUT)
          .toBeGreaterThan(0);
        const firstSrc = await picture.getAttribute('src');
        await audio.evaluate((el) => {
          const media = el as HTMLAudioElement;
          media.currentTime = media.duration - 0.5;
        });
        await expect.poll(() => stage.getAttribute('data-scene'), TIMEOUT).toBe('2');
        const last = (await caption.textContent())?.trim() ?? '';
        expect(last.length).toBeGreaterThan(0);
        expect(last).not.toBe(first);
        expect(await picture.getAttribute('src')).not.toBe(firstSrc);
        await expect.poll(() => naturalWidth(picture), TIMEOUT).toBeGreaterThan(0);

        // Back to the start by the scene list, then playing moves the clock forward.
        await player.getByRole('button', { name: 'Scene 1 of 3' }).click();
        await expect.poll(() => stage.getAttribute('data-scene'), TIMEOUT).toBe('0');
        expect((await caption.textContent())?.trim()).toBe(first);
        await player.getByRole('button', { name: 'Play' }).click();
        await expect
          .poll(() => audio.evaluate((el) => (el as HTMLAudioElement).currentTime), TIMEOUT)
          .toBeGreaterThan(0.3);
        await player.getByRole('button', { name: 'Pause' }).click();
      } finally {
        await context.close();
      }
    },
    TEST_MS,
  );

  test(
    "someone else's job is not shown; a cancelled job offers Retry, and Delete removes it",
    async () => {
      const stranger = await registerUser();
      const theirs = await startJob(stranger, {
        kind: 'image',
        provider: 'offline',
        prompt: 'Not yours to see',
      });
      const { context, page, user } = await onGeneration(browser, 'eBook');
      try {
        await page.goto(`/generation?tab=ebook&job=${theirs.id}`);
        await page
          .getByRole('alert')
          .filter({ hasText: 'does not exist or is not yours' })
          .waitFor(TIMEOUT);
        expect(await page.locator('.gen-selected').count()).toBe(0);
        expect(await page.getByText('Not yours to see').count()).toBe(0);

        // A long book, cancelled while it is written.
        await page.getByLabel('Title', { exact: true }).fill('Un très long livre');
        await page.getByLabel('Subject', { exact: true }).fill('Tout sur les phares de Bretagne');
        await page.getByLabel('Chapters').fill('20');
        await page.getByRole('button', { name: 'Generate' }).click();
        const id = await openedJob(page, theirs.id);
        const card = jobCard(page, id);
        await card.getByRole('button', { name: 'Cancel' }).click();
        await expect.poll(() => card.getAttribute('data-status'), TIMEOUT).toBe('cancelled');
        expect(await card.getByRole('progressbar').count()).toBe(0);
        expect(await card.getByRole('button', { name: 'Cancel' }).count()).toBe(0);
        await card.getByRole('button', { name: 'Retry' }).waitFor(TIMEOUT);
        const after = await call(`/api/jobs/${id}`, { token: user.accessToken });
        expect(((await after.json()) as { status: string }).status).toBe('cancelled');

        page.once('dialog', (dialog) => {
          expect(dialog.message()).toMatch(/files stay in your media library/);
          void dialog.accept();
        });
        await card.getByRole('button', { name: 'Delete' }).click();
        await card.waitFor({ state: 'detached', ...TIMEOUT });
        const gone = await call(`/api/jobs/${id}`, { token: user.accessToken });
        expect(gone.status).toBe(404);
        await page.goto(`/generation?job=${id}`);
        await page
          .getByRole('alert')
          .filter({ hasText: 'does not exist or is not yours' })
          .waitFor(TIMEOUT);
      } finally {
        await context.close();
      }
    },
    TEST_MS,
  );
});
