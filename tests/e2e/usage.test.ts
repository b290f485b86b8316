import { randomBytes, randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createAdmin } from '../helpers/accounts';
import { call, json, PASSWORD } from '../helpers/api';
import { launchBrowser, openSite } from './browser';

const TIMEOUT = { timeout: 15_000 };

async function expectHeading(page: Page, name: string | RegExp): Promise<void> {
  await page.getByRole('heading', { level: 1, name }).waitFor(TIMEOUT);
}

/** One completion through /v1 with a personal API token, as any OpenAI client would make it. */
async function complete(token: string, model: string, content: string): Promise<void> {
  const res = await call('/v1/chat/completions', {
    token,
    json: { model, messages: [{ role: 'user', content }] },
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

describe('API tokens, usage and the model registry in the browser', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  test('create a token shown once, use it, and see the usage charts and quota bars', async () => {
    const { context, page } = await openSite(browser);
    const email = `usage+${randomUUID()}@example.com`;
    try {
      await page.goto('/register');
      await expectHeading(page, 'Create your account');
      await page.getByLabel('Name').fill('Uma Usage');
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill('correct horse battery staple 42');
      await page.getByRole('button', { name: 'Create account' }).click();
      await expectHeading(page, 'Hello, Uma Usage');

      const nav = page.getByRole('navigation', { name: 'Main navigation' });
      await nav.getByRole('link', { name: /^API tokens/ }).click();
      await expectHeading(page, 'API tokens');
      await page.getByText('No tokens yet.').waitFor(TIMEOUT);
      // The snippets point at this site's /v1.
      const origin = new URL(page.url()).origin;
      await page.getByText(`baseURL: '${origin}/v1'`).waitFor(TIMEOUT);

      await page.getByLabel('Name', { exact: true }).fill('E2E script');
      await page.getByLabel('Expires').selectOption('30');
      await page.getByRole('button', { name: 'Create token' }).click();
      const created = page.getByRole('region', { name: 'Token “E2E script” created' });
      await created.waitFor(TIMEOUT);
      await created.getByText('It is shown only once').waitFor(TIMEOUT);
      const token = await created.getByLabel('Your new token').inputValue();
      expect(token).toMatch(/^wbx_[A-Za-z0-9_-]{43}$/);
      const prefix = token.slice(0, 12);

      const list = page.getByRole('region', { name: 'Your tokens' });
      const row = list.getByRole('row', { name: /E2E script/ });
      await row.getByText(`${prefix}…`).waitFor(TIMEOUT);
      expect(await list.textContent()).not.toContain(token);

      await created.getByRole('button', { name: 'I have copied it' }).click();
      await created.waitFor({ state: 'detached', ...TIMEOUT });
      expect(await page.content()).not.toContain(token);

      // Some usage through the OpenAI-compatible API with the new token.
      await complete(token, 'offline/offline-brief', 'Summarise the tides for sailors.');
      await complete(token, 'offline/offline-coder', 'Count these words for me.');

      await page.reload();
      await expectHeading(page, 'API tokens');
      await list.getByText(`${prefix}…`).waitFor(TIMEOUT);
      expect(await page.content()).not.toContain(token);

      await nav.getByRole('link', { name: /^Usage/ }).click();
      await expectHeading(page, 'Usage');
      const tokensChart = page.getByRole('img', { name: 'Tokens per day' });
      await tokensChart.waitFor(TIMEOUT);
      expect(await tokensChart.evaluate((node) => node.tagName.toLowerCase())).toBe('svg');
      // Today's bar is drawn: at least one input and one output segment.
      expect(await tokensChart.locator('rect').count()).toBeGreaterThanOrEqual(2);
      const costChart = page.getByRole('img', { name: 'Cost per model' });
      await costChart.getByText('offline/offline-brief').waitFor(TIMEOUT);
      await costChart.getByText('offline/offline-coder').waitFor(TIMEOUT);

      for (const name of ['Today', 'This month']) {
        const bar = page.getByRole('progressbar', { name });
        await bar.waitFor(TIMEOUT);
        expect(await bar.getAttribute('aria-valuemax')).toBe(
          name === 'Today' ? '200000' : '2000000',
        );
        // Offline models do not count against the quota.
        expect(await bar.getAttribute('aria-valuenow')).toBe('0');
      }
      const totals = page.getByRole('region', { name: 'Last 30 days' });
      await totals.getByText('Calls').waitFor(TIMEOUT);
      expect(await totals.locator('dd').nth(2).textContent()).toBe('2');
      await page.getByRole('cell', { name: 'API', exact: true }).waitFor(TIMEOUT);

      await page.getByRole('button', { name: '7 days' }).click();
      await page.getByRole('region', { name: 'Last 7 days' }).waitFor(TIMEOUT);
    } finally {
      await context.close();
    }
  });

  test('an admin edits a model’s price and disables it in the registry', async () => {
    const admin = await createAdmin();
    const modelId = `e2e-${randomBytes(4).toString('hex')}`;
    const added = await call('/api/admin/models', {
      token: admin.accessToken,
      json: {
        provider: 'mistral',
        modelId,
        displayName: `E2E ${modelId}`,
        contextWindow: 8000,
        inputPriceMicros: 100_000,
        outputPriceMicros: 200_000,
        sortOrder: 5000,
      },
    });
    expect(added.status).toBe(201);
    const name = `E2E ${modelId}`;

    const { context, page } = await openSite(browser);
    try {
      await page.goto('/login');
      await page.getByLabel('Email').fill(admin.email);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      await expectHeading(page, /^Hello/);
      await page
        .getByRole('navigation', { name: 'Main navigation' })
        .getByRole('link', { name: /^Models/ })
        .click();
      await expectHeading(page, 'Models');

      await page.getByRole('button', { name: `Edit ${name}` }).click();
      const price = page.getByLabel(`Input price of ${name}, dollars per million tokens`);
      await price.fill('1.5');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByText(`${name} saved.`).waitFor(TIMEOUT);
      await page
        .getByRole('row', { name: new RegExp(name) })
        .getByText('$1.50')
        .waitFor(TIMEOUT);

      const toggle = page.getByLabel(`Enable ${name}`);
      expect(await toggle.isChecked()).toBe(true);
      await toggle.uncheck();
      await expect.poll(() => toggle.isChecked(), TIMEOUT).toBe(false);

      // The checkbox flips at once; the registry follows when the save answers.
      const stored = async () => {
        const all = await json<{
          items: Array<{ modelId: string; enabled: boolean; inputPriceMicros: number }>;
        }>(await call('/api/admin/models', { token: admin.accessToken }));
        return all.items.find((item) => item.modelId === modelId);
      };
      await expect
        .poll(stored, TIMEOUT)
        .toMatchObject({ enabled: false, inputPriceMicros: 1_500_000 });
    } finally {
      await context.close();
    }
  });
});
