import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { call, json, PASSWORD, registerUser, type TestUser } from '../helpers/api';
import { type Detail, detail, settled } from '../helpers/chat';
import { png } from '../helpers/profile';
import { launchBrowser, openSite } from './browser';

const TIMEOUT = { timeout: 15_000 };
const REPLY_TIMEOUT = { timeout: 30_000 };

async function expectHeading(page: Page, name: string | RegExp): Promise<void> {
  await page.getByRole('heading', { level: 1, name }).waitFor(TIMEOUT);
}

/** A fresh account, signed in in a fresh browser context. */
async function signedIn(
  browser: Browser,
  name = 'Chloé Chat',
): Promise<{ user: TestUser; context: BrowserContext; page: Page }> {
  const user = await registerUser({ name });
  const { context, page } = await openSite(browser);
  await page.goto('/login');
  await expectHeading(page, 'Log in');
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expectHeading(page, `Hello, ${name}`);
  return { user, context, page };
}

/** The conversation id in the page's address, once the page has one. */
async function conversationIdOf(page: Page): Promise<string> {
  await page.waitForURL(/[?&]c=[0-9a-f-]{36}/, TIMEOUT);
  return new URL(page.url()).searchParams.get('c') ?? '';
}

/** Letters and digits only: rendered Markdown and its source compare equal this way. */
const letters = (text: string | null) => (text ?? '').replace(/[^\p{L}\p{N}]+/gu, '');

function composer(page: Page): Locator {
  return page.getByRole('textbox', { name: 'Message', exact: true });
}

function replies(page: Page): Locator {
  return page.getByRole('article', { name: /^Reply from/ });
}

async function waitForStatus(reply: Locator, status: string): Promise<void> {
  await expect.poll(() => reply.getAttribute('data-status'), REPLY_TIMEOUT).toBe(status);
}

describe('chat in the browser', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  test('a reply from an offline model streams in and ends with its label and token footer', async () => {
    const { user, context, page } = await signedIn(browser);
    try {
      await page
        .getByRole('navigation', { name: 'Main navigation' })
        .getByRole('link', { name: 'Chat' })
        .click();
      await expectHeading(page, 'New chat');
      await page.getByLabel('Model', { exact: true }).selectOption('offline/offline-detailed');
      await composer(page).fill('Explain the water cycle to a child');
      await composer(page).press('Enter');
      const id = await conversationIdOf(page);

      // Sample the reply's length inside the page while it streams: it must grow step by step.
      const lengths = await page.evaluate(async () => {
        const seen: number[] = [];
        const until = Date.now() + 25_000;
        for (;;) {
          const reply = document.querySelector('.chat-msg-assistant');
          seen.push(reply?.querySelector('.chat-md')?.textContent?.length ?? 0);
          if (reply?.getAttribute('data-status') === 'complete' || Date.now() > until) return seen;
          await new Promise((resolve) => setTimeout(resolve, 30));
        }
      });
      // Markdown may re-flow mid-stream (a table row becomes a table), so growth is counted
      // as many intermediate lengths, the first of them well short of the whole reply.
      const shown = lengths.filter((length) => length > 0);
      expect(new Set(shown).size).toBeGreaterThan(5);
      expect(shown[0]).toBeLessThan((shown.at(-1) ?? 0) / 2);

      const reply = replies(page).first();
      await waitForStatus(reply, 'complete');
      expect(await reply.locator('.chat-md em').first().textContent()).toMatch(/^Offline model/);
      await reply.getByText('offline', { exact: true }).waitFor(TIMEOUT);
      expect(await reply.locator('.chat-tokens').textContent()).toMatch(
        /^≈[\d,]+ in · ≈[\d,]+ out tokens$/,
      );
      expect(await reply.locator('.chat-cost').textContent()).toBe('$0.00');
      expect(await reply.locator('.chat-model-name').textContent()).toBe('Offline · Detailed');

      const saved = await settled(user, id);
      const assistant = saved.messages.find((m) => m.role === 'assistant');
      expect(letters(await reply.locator('.chat-md').textContent())).toBe(
        letters(assistant?.content ?? null),
      );
      // The title comes from the first message, in the header and the history.
      await expectHeading(page, 'Explain the water cycle to a child');
      await page
        .getByRole('complementary', { name: 'Conversations' })
        .getByRole('link', { name: 'Explain the water cycle to a child' })
        .waitFor(TIMEOUT);
    } finally {
      await context.close();
    }
  });

  test('a reply goes on when the tab closes, and a reopened tab shows it whole', async () => {
    const { user, context, page: first } = await signedIn(browser);
    try {
      let page = first;
      await page.goto('/chat');
      await expectHeading(page, 'New chat');
      let id = '';
      // An offline reply lasts about three seconds. If a loaded machine takes longer than that
      // to open the new tab, the reply is already over: ask again in the same conversation.
      for (let attempt = 1; ; attempt++) {
        await composer(page).fill(
          `Describe in detail (take ${attempt}) the history of the lighthouse of Alexandria, its builders, its light, its earthquakes, its ruins and what divers found under the harbour water`,
        );
        await composer(page).press('Enter');
        id = await conversationIdOf(page);
        const writing = replies(page).last();
        await expect
          .poll(
            async () => letters(await writing.locator('.chat-md').textContent()).length,
            TIMEOUT,
          )
          .toBeGreaterThan(0);
        expect(await writing.getAttribute('data-status')).toBe('streaming');
        await page.close();

        page = await context.newPage();
        const loaded = page.waitForResponse(
          (res) =>
            res.url().endsWith(`/api/conversations/${id}`) && res.request().method() === 'GET',
        );
        await page.goto(`/chat?c=${id}`);
        const body = (await (await loaded).json()) as Detail;
        if (body.running.length === 1 || attempt === 3) {
          // The page loaded while the reply was still being written on the server...
          expect(body.running).toHaveLength(1);
          break;
        }
        await waitForStatus(replies(page).last(), 'complete');
      }
      // ...and shows it continuing, then complete, with exactly the saved text.
      const reply = replies(page).last();
      await waitForStatus(reply, 'complete');
      const saved = await detail(user, id);
      const assistant = saved.messages.filter((m) => m.role === 'assistant').at(-1);
      expect(assistant?.status).toBe('complete');
      expect(letters(await reply.locator('.chat-md').textContent())).toBe(
        letters(assistant?.content ?? null),
      );
      expect(assistant?.content).toContain('lighthouse');
    } finally {
      await context.close();
    }
  });

  test('three offline models answer side by side; the conversation continues from the second', async () => {
    const { user, context, page } = await signedIn(browser);
    try {
      await page.goto('/chat');
      await expectHeading(page, 'New chat');
      await page.getByLabel('Compare', { exact: true }).check();
      const picker = page.getByRole('group', { name: /^Models to compare/ });
      // The current model is ticked already; add the two others.
      expect(await picker.getByLabel('Offline · Detailed (offline)').isChecked()).toBe(true);
      await picker.getByLabel('Offline · Brief (offline)').check();
      await picker.getByLabel('Offline · Coder (offline)').check();
      await picker.getByText('3 chosen').waitFor(TIMEOUT);
      await composer(page).fill('Count my words please');
      await page.getByRole('button', { name: 'Send' }).click();
      const id = await conversationIdOf(page);

      // The columns fill at the same time: some moment shows several of them mid-reply (each
      // reply runs in its own object, so the short one may be over before the last starts).
      const together = await page.evaluate(async () => {
        const until = Date.now() + 20_000;
        let most = 0;
        for (;;) {
          const columns = [...document.querySelectorAll('.chat-compare-col')];
          const writing = columns.filter(
            (column) =>
              column.getAttribute('data-status') === 'streaming' &&
              (column.querySelector('.chat-md')?.textContent ?? '').length > 0,
          );
          most = Math.max(most, writing.length);
          const done =
            columns.length === 3 &&
            columns.every((column) => column.getAttribute('data-status') === 'complete');
          if (done || Date.now() > until) return most;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      });
      expect(together).toBeGreaterThanOrEqual(2);
      const group = page.getByRole('region', { name: '3 answers side by side' });
      await group.waitFor(TIMEOUT);
      const columns = group.getByRole('article');
      expect(await columns.count()).toBe(3);
      for (let i = 0; i < 3; i++) await waitForStatus(columns.nth(i), 'complete');
      const texts = await columns.locator('.chat-compare-body').allTextContents();
      expect(new Set(texts.map(letters)).size).toBe(3);
      for (const text of texts) expect(text).toMatch(/Offline model/);

      const second = columns.nth(1);
      const secondId = (await second.getAttribute('data-message-id')) ?? '';
      await second.getByRole('button', { name: 'Continue with this answer' }).click();
      await second.getByText('Continuing with this answer').waitFor(TIMEOUT);
      expect(
        await columns.nth(0).getByRole('button', { name: 'Continue with this answer' }).count(),
      ).toBe(1);

      await page.getByLabel('Compare', { exact: true }).uncheck();
      await page.getByLabel('Model', { exact: true }).selectOption('offline/offline-brief');
      await composer(page).fill('And now?');
      await composer(page).press('Enter');
      await page
        .getByRole('article', { name: 'You' })
        .filter({ hasText: 'And now?' })
        .waitFor(TIMEOUT);
      const followUp = replies(page).last();
      await waitForStatus(followUp, 'complete');
      expect(await followUp.textContent()).toContain('turn 2');

      const saved = await settled(user, id);
      const question = saved.messages.find((m) => m.content === 'And now?');
      expect(question?.parentId).toBe(secondId);
      // The compared answers stay on screen above the follow-up, the chosen one marked.
      expect(await group.getByText('Continuing with this answer').count()).toBe(1);
    } finally {
      await context.close();
    }
  });

  test('a chat with a built-in agent follows its instructions', async () => {
    const { user, context, page } = await signedIn(browser);
    try {
      // The agent's name and instructions are in the account's language.
      const agent = await json<{ name: string; systemPrompt: string }>(
        await call('/api/agents/builtin:marketing', { token: user.accessToken }),
      );
      const firstLine = agent.systemPrompt.split('\n')[0] ?? '';
      await page.goto('/chat?agent=builtin:marketing');
      await page.locator('.chat-agent').getByText(agent.name).waitFor(TIMEOUT);
      await composer(page).fill('A slogan for a bakery');
      await composer(page).press('Enter');
      // The reply's progress is announced in a polite live region, once when it starts and
      // once when it ends (not token by token), and the composer keeps the keyboard focus.
      const writing = page.getByRole('status').filter({ hasText: 'Writing the reply…' });
      await writing.waitFor(TIMEOUT);
      expect(await writing.getAttribute('aria-live')).toBe('polite');
      await expect
        .poll(() => composer(page).evaluate((area) => area === document.activeElement), TIMEOUT)
        .toBe(true);
      expect(await composer(page).inputValue()).toBe('');
      const id = await conversationIdOf(page);
      const reply = replies(page).first();
      await waitForStatus(reply, 'complete');
      await page.getByRole('status').filter({ hasText: 'Reply written.' }).waitFor(TIMEOUT);
      expect(await reply.textContent()).toMatch(/Consigne suivie : « .+ »|Following: “.+”/);
      expect(await reply.textContent()).toContain(firstLine.slice(0, 40));
      const { conversation } = await json<{ conversation: { agentId: string | null } }>(
        await call(`/api/conversations/${id}`, { token: user.accessToken }),
      );
      expect(conversation.agentId).toBe('builtin:marketing');
      // Reloading keeps the conversation and its agent.
      await page.reload();
      await page.locator('.chat-agent').getByText(agent.name).waitFor(TIMEOUT);
      await expectHeading(page, 'A slogan for a bakery');
    } finally {
      await context.close();
    }
  });

  test('a prompt with variables goes from the library to the composer and is sent', async () => {
    const { user, context, page } = await signedIn(browser);
    const title = `Haiku ${randomUUID().slice(0, 8)}`;
    try {
      const created = await call('/api/prompts', {
        token: user.accessToken,
        json: { title, body: 'Write a haiku about {{topic}} in {{language}}' },
      });
      expect(created.status, await created.clone().text()).toBe(201);

      await page.goto('/prompts');
      const card = page.getByRole('article', { name: title });
      await card.getByRole('button', { name: 'Use' }).click();
      await card.getByLabel('topic').fill('autumn rain');
      await card.getByLabel('language').fill('English');
      await card.getByRole('button', { name: 'Start chat' }).click();
      await expectHeading(page, 'New chat');
      await expect
        .poll(() => composer(page).inputValue(), TIMEOUT)
        .toBe('Write a haiku about autumn rain in English');
      // The hand-over is read once: it is gone from session storage.
      expect(await page.evaluate(() => sessionStorage.getItem('webox:chat-draft'))).toBeNull();

      await composer(page).press('Enter');
      const id = await conversationIdOf(page);
      await waitForStatus(replies(page).first(), 'complete');
      const saved = await settled(user, id);
      expect(saved.messages.find((m) => m.role === 'user')?.content).toBe(
        'Write a haiku about autumn rain in English',
      );
    } finally {
      await context.close();
    }
  });

  test('edit, regenerate, stop and switch versions; rename, pin, search and delete in the history', async () => {
    const { user, context, page } = await signedIn(browser);
    try {
      await page.goto('/chat');
      await page.getByLabel('Model', { exact: true }).selectOption('offline/offline-brief');
      await composer(page).fill('Plan a picnic by the river');
      await composer(page).press('Enter');
      const id = await conversationIdOf(page);
      await waitForStatus(replies(page).first(), 'complete');

      // Regenerate with another model: a second version of the reply, then back to the first.
      const reply = replies(page).first();
      await reply.getByRole('button', { name: 'Regenerate with another model' }).click();
      await reply.getByRole('button', { name: 'Offline · Coder' }).click();
      const second = replies(page).first();
      await waitForStatus(second, 'complete');
      await second.getByText('2 / 2').waitFor(TIMEOUT);
      expect(await second.locator('.chat-model-name').textContent()).toBe('Offline · Coder');
      await second.getByRole('button', { name: 'Previous version' }).click();
      await replies(page).first().getByText('1 / 2').waitFor(TIMEOUT);
      expect(await replies(page).first().locator('.chat-model-name').textContent()).toBe(
        'Offline · Brief',
      );

      // Edit the question: a new branch beside it, switchable both ways.
      const question = page.getByRole('article', { name: 'You' });
      await question.getByRole('button', { name: 'Edit' }).click();
      await page.getByLabel('Edit your message').fill('Plan a picnic in the mountains');
      await page.getByRole('button', { name: 'Save and send' }).click();
      await question.getByText('2 / 2').waitFor(TIMEOUT);
      await waitForStatus(replies(page).first(), 'complete');
      expect(await question.locator('.chat-user-text').textContent()).toBe(
        'Plan a picnic in the mountains',
      );
      await question.getByRole('button', { name: 'Previous version' }).click();
      await question.getByText('Plan a picnic by the river').waitFor(TIMEOUT);
      await question.getByText('1 / 2').waitFor(TIMEOUT);

      // Stop a long reply: what was written stays, marked stopped.
      await page.getByLabel('Model', { exact: true }).selectOption('offline/offline-detailed');
      await composer(page).fill('Tell me everything about rivers, lakes, seas and oceans');
      await composer(page).press('Enter');
      const long = replies(page).last();
      await expect
        .poll(async () => letters(await long.locator('.chat-md').textContent()).length, TIMEOUT)
        .toBeGreaterThan(0);
      await page.getByRole('button', { name: 'Stop', exact: true }).last().click();
      await waitForStatus(long, 'stopped');
      await long.getByText('stopped', { exact: true }).waitFor(TIMEOUT);
      const stopped = (await settled(user, id)).messages.find((m) => m.status === 'stopped');
      expect(stopped?.content.length).toBeGreaterThan(0);
      expect(letters(await long.locator('.chat-md').textContent())).toBe(
        letters(stopped?.content ?? null),
      );

      // The history: rename, pin, search by message text, delete.
      const history = page.getByRole('complementary', { name: 'Conversations' });
      await history.getByRole('button', { name: /^Actions for / }).click();
      await history.getByRole('button', { name: 'Rename' }).click();
      await history.getByLabel('New title').fill('Picnic ideas');
      await history.getByLabel('New title').press('Enter');
      await history.getByRole('link', { name: 'Picnic ideas' }).waitFor(TIMEOUT);
      await expectHeading(page, 'Picnic ideas');
      await history.getByRole('button', { name: 'Actions for Picnic ideas' }).click();
      await history.getByRole('button', { name: 'Pin' }).click();
      await history.getByRole('heading', { name: 'Pinned' }).waitFor(TIMEOUT);
      await history
        .getByRole('region', { name: 'Pinned' })
        .getByRole('link', { name: /Picnic ideas/ })
        .waitFor(TIMEOUT);

      await history.getByLabel('Search conversations').fill('mountains');
      const results = history.getByRole('region', { name: 'Results' });
      await results.getByRole('link', { name: /Picnic ideas/ }).waitFor(TIMEOUT);
      expect(await results.locator('mark').first().textContent()).toBe('mountains');
      await history.getByLabel('Search conversations').fill('zzzunknownword');
      await results.getByText('No conversation matches.').waitFor(TIMEOUT);
      await history.getByLabel('Search conversations').fill('');

      // Delete asks first; Escape (focus starts on Cancel) leaves the conversation alone.
      const actionsFor = history.getByRole('button', { name: 'Actions for Picnic ideas' });
      await actionsFor.click();
      await history.getByRole('button', { name: 'Delete' }).click();
      const ask = history.getByRole('group', { name: 'Delete “Picnic ideas” for good?' });
      await ask.waitFor(TIMEOUT);
      // The focus moves in an effect, just after the paint that showed the question.
      await expect
        .poll(
          () =>
            ask
              .getByRole('button', { name: 'Cancel' })
              .evaluate((b) => b === document.activeElement),
          TIMEOUT,
        )
        .toBe(true);
      await page.keyboard.press('Escape');
      await ask.waitFor({ state: 'detached', ...TIMEOUT });
      await history
        .getByRole('link', { name: /Picnic ideas/ })
        .first()
        .waitFor(TIMEOUT);

      await actionsFor.click();
      await history.getByRole('button', { name: 'Delete' }).click();
      await history.getByRole('button', { name: 'Delete' }).click();
      await expectHeading(page, 'New chat');
      await history.getByText('No conversations yet.').waitFor(TIMEOUT);
      expect((await call(`/api/conversations/${id}`, { token: user.accessToken })).status).toBe(
        404,
      );
    } finally {
      await context.close();
    }
  });

  test('an unknown conversation says so, and the page works in French', async () => {
    const { context, page } = await signedIn(browser);
    try {
      await page.goto(`/chat?c=${randomUUID()}`);
      await page.getByText('This conversation does not exist or was deleted.').waitFor(TIMEOUT);
      await page.getByRole('button', { name: 'Français' }).click();
      await expectHeading(page, 'Nouvelle discussion');
      await page.getByText('Cette discussion n’existe pas ou a été supprimée.').waitFor(TIMEOUT);
      await page.getByRole('link', { name: 'Nouvelle discussion' }).click();
      await page
        .getByRole('textbox', { name: 'Message', exact: true })
        .fill('Bonjour, écris un poème');
      await page.getByRole('button', { name: 'Envoyer' }).click();
      const reply = page.getByRole('article', { name: /^Réponse de/ }).first();
      await waitForStatus(reply, 'complete');
      expect(await reply.textContent()).toContain('Modèle hors ligne');
      await reply.getByText('hors ligne', { exact: true }).waitFor(TIMEOUT);
    } finally {
      await context.close();
    }
  });

  test('attach files, export the conversation and import it back', async () => {
    const { user, context, page } = await signedIn(browser);
    try {
      await page.goto('/chat');
      const attach = page.getByLabel('Attach files');
      // A file that claims to be an image but is not is refused, with the server's reason.
      await attach.setInputFiles({
        name: 'fake.png',
        mimeType: 'image/png',
        buffer: Buffer.from('only text pretending'),
      });
      const files = page.getByRole('list', { name: 'Files to send' });
      await files.getByText('The file is not a PNG image.').waitFor(TIMEOUT);
      await files.getByRole('button', { name: 'Remove fake.png' }).click();
      await files.waitFor({ state: 'detached', ...TIMEOUT });

      await attach.setInputFiles([
        { name: 'photo.png', mimeType: 'image/png', buffer: png(48, 32) },
        {
          name: 'notes.md',
          mimeType: 'text/markdown',
          buffer: Buffer.from('# Notes\nBring bread'),
        },
      ]);
      await files.getByText('photo.png').waitFor(TIMEOUT);
      // The image is previewed from the file itself before it is sent.
      await expect
        .poll(() => files.locator('img').evaluate((img) => (img as HTMLImageElement).naturalWidth))
        .toBe(48);
      await expect.poll(() => files.getByText('Uploading…').count(), TIMEOUT).toBe(0);
      await page.getByLabel('Model', { exact: true }).selectOption('offline/offline-detailed');
      await composer(page).fill('What do you see in these files?');
      await composer(page).press('Enter');
      const id = await conversationIdOf(page);
      const question = page.getByRole('article', { name: 'You' });
      // The sent image is fetched with the access token and shown as a thumbnail.
      const thumbnail = question.getByRole('img', { name: 'photo.png' });
      await thumbnail.waitFor(TIMEOUT);
      await expect
        .poll(() => thumbnail.evaluate((img) => (img as HTMLImageElement).naturalWidth), TIMEOUT)
        .toBe(48);
      await question.getByText('notes.md').waitFor(TIMEOUT);
      await waitForStatus(replies(page).first(), 'complete');
      const saved = await settled(user, id);
      expect(saved.messages.find((m) => m.role === 'user')?.attachments.map((a) => a.name)).toEqual(
        ['photo.png', 'notes.md'],
      );

      // The export menu closes with Escape and gives the focus back to its button.
      const exportButton = page.getByRole('button', { name: 'Export' });
      await exportButton.click();
      const markdownItem = page.getByRole('button', { name: 'Markdown (.md)' });
      await markdownItem.waitFor(TIMEOUT);
      await page.keyboard.press('Escape');
      await markdownItem.waitFor({ state: 'detached', ...TIMEOUT });
      expect(await exportButton.evaluate((button) => button === document.activeElement)).toBe(true);

      // Export as JSON (every branch) and as Markdown.
      const exportAs = async (label: string) => {
        await page.getByRole('button', { name: 'Export' }).click();
        const download = page.waitForEvent('download');
        await page.getByRole('button', { name: label }).click();
        const file = await download;
        return {
          name: file.suggestedFilename(),
          text: await readFile((await file.path()) ?? '', 'utf8'),
        };
      };
      const exported = await exportAs('JSON (.json, can be imported)');
      expect(exported.name).toMatch(/\.json$/);
      const parsed = JSON.parse(exported.text) as { format: string; messages: unknown[] };
      expect(parsed.format).toBe('webox.conversation.v1');
      expect(parsed.messages).toHaveLength(2);
      const markdown = await exportAs('Markdown (.md)');
      expect(markdown.name).toMatch(/\.md$/);
      expect(markdown.text).toContain('What do you see in these files?');
      const pdf = await exportAs('PDF (.pdf)');
      expect(pdf.name).toMatch(/\.pdf$/);
      expect(pdf.text.startsWith('%PDF-')).toBe(true);

      // Import it back: a new conversation with the same messages opens.
      await page.getByLabel('Import', { exact: true }).setInputFiles({
        name: exported.name,
        mimeType: 'application/json',
        buffer: Buffer.from(exported.text),
      });
      await page.waitForURL((url) => {
        const c = url.searchParams.get('c');
        return c !== null && c !== id;
      }, TIMEOUT);
      const importedId = new URL(page.url()).searchParams.get('c') ?? '';
      await page
        .getByRole('article', { name: 'You' })
        .getByText('What do you see in these files?')
        .waitFor(TIMEOUT);
      await waitForStatus(replies(page).first(), 'complete');
      const imported = await detail(user, importedId);
      expect(imported.messages.map((m) => m.content)).toEqual(saved.messages.map((m) => m.content));

      // A file that is not an export is refused with the server's reason.
      await page.getByLabel('Import', { exact: true }).setInputFiles({
        name: 'other.json',
        mimeType: 'application/json',
        buffer: Buffer.from('{"hello":"world"}'),
      });
      await page.getByRole('alert').waitFor(TIMEOUT);
      expect(new URL(page.url()).searchParams.get('c')).toBe(importedId);
    } finally {
      await context.close();
    }
  });

  test('replies render Markdown safely, and code blocks copy their code', async () => {
    const { context, page } = await signedIn(browser);
    try {
      await context.grantPermissions(['clipboard-read', 'clipboard-write']);
      await page.goto('/chat');
      // The offline model quotes the question back: hostile HTML in it must stay text.
      const hostile =
        'Check <img src=x onerror="window.__xss=1"> and <script>window.__xss=2</script> and [this](javascript:window.__xss=3)';
      await page.getByLabel('Model', { exact: true }).selectOption('offline/offline-detailed');
      await composer(page).fill(hostile);
      await composer(page).press('Enter');
      const reply = replies(page).first();
      await waitForStatus(reply, 'complete');
      expect(await reply.locator('.chat-md blockquote').textContent()).toContain('<img src=x');
      expect(await reply.locator('.chat-md img, .chat-md script').count()).toBe(0);
      const hrefs = await reply
        .locator('.chat-md a')
        .evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? ''));
      expect(hrefs.some((href) => href.startsWith('javascript'))).toBe(false);
      expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();

      await page.getByLabel('Model', { exact: true }).selectOption('offline/offline-coder');
      await composer(page).fill('Count the words of this sentence');
      await composer(page).press('Enter');
      // The second reply must be on the page before `.last()` means it (else the first one,
      // already complete, passes the wait and the code is read while still streaming).
      await expect.poll(() => replies(page).count(), TIMEOUT).toBe(2);
      const code = replies(page).last();
      await waitForStatus(code, 'complete');
      const block = code.locator('.code-block');
      expect(await block.locator('.code-lang').textContent()).toBe('ts');
      // The clipboard answers only the focused page.
      await page.bringToFront();
      await block.getByRole('button', { name: 'Copy code' }).click();
      const source = await block.locator('code').textContent();
      await expect
        .poll(() => page.evaluate(() => navigator.clipboard.readText()), TIMEOUT)
        .toBe(source);
      expect(source).toContain('const words = message.split');
    } finally {
      await context.close();
    }
  });

  test('a stream cut in the middle is taken up again after its last event', async () => {
    const { user, context, page } = await signedIn(browser);
    try {
      const asked: string[] = [];
      let cutAt = 0;
      // The first stream delivers half of its events, then ends as a dropped link would.
      await page.route(/\/api\/conversations\/[0-9a-f-]{36}\/stream$/, async (route) => {
        asked.push(route.request().headers()['last-event-id'] ?? '');
        if (asked.length > 1) return route.continue();
        const response = await route.fetch();
        const frames = (await response.text())
          .split('\n\n')
          .filter((frame) => frame.includes('id: '));
        const kept = frames.slice(0, Math.floor(frames.length / 2));
        cutAt = Number(/id: (\d+)/.exec(kept.at(-1) ?? '')?.[1]);
        await route.fulfill({ response, body: `${kept.join('\n\n')}\n\n` });
      });
      await page.goto('/chat');
      await page.getByLabel('Model', { exact: true }).selectOption('offline/offline-detailed');
      await composer(page).fill('Tell me about the tides of the Atlantic ocean');
      await composer(page).press('Enter');
      const id = await conversationIdOf(page);
      const reply = replies(page).first();
      await waitForStatus(reply, 'complete');
      expect(cutAt).toBeGreaterThan(0);
      expect(asked.slice(0, 2)).toEqual([expect.any(String), String(cutAt)]);
      const saved = await settled(user, id);
      const assistant = saved.messages.find((m) => m.role === 'assistant');
      // No gap and no repeated words: exactly the saved text.
      expect(letters(await reply.locator('.chat-md').textContent())).toBe(
        letters(assistant?.content ?? null),
      );
    } finally {
      await context.close();
    }
  });

  test('a model without a key is refused with the server’s reason and a link to add one', async () => {
    const { user, context, page } = await signedIn(browser);
    try {
      const res = await call('/api/agents', {
        token: user.accessToken,
        json: {
          name: 'Needs a key',
          systemPrompt: 'Answer briefly.',
          defaultModel: 'openai/gpt-4o-mini',
        },
      });
      expect(res.status, await res.clone().text()).toBe(201);
      const agent = await json<{ id: string }>(res);
      await page.goto(`/chat?agent=${agent.id}`);
      await page.locator('.chat-agent').getByText('Needs a key').waitFor(TIMEOUT);
      // The agent's model is preselected but cannot be picked again: it has no key.
      const picker = page.getByLabel('Model', { exact: true });
      await expect.poll(() => picker.inputValue(), TIMEOUT).toBe('openai/gpt-4o-mini');
      expect(
        await picker
          .locator('option[value="openai/gpt-4o-mini"]')
          .evaluate((o) => (o as HTMLOptionElement).disabled),
      ).toBe(true);
      // The models are listed under their provider.
      expect(
        await picker
          .locator('optgroup[label="OpenAI"] > option[value="openai/gpt-4o-mini"]')
          .count(),
      ).toBe(1);
      await page.getByText('Some models need an API key.').waitFor(TIMEOUT);

      // Shift+Enter adds a line; Enter sends.
      await composer(page).fill('First line');
      await composer(page).press('Shift+Enter');
      await composer(page).pressSequentially('second line');
      expect(await composer(page).inputValue()).toBe('First line\nsecond line');
      await composer(page).press('Enter');
      const alert = page.getByRole('form', { name: 'Write a message' }).getByRole('alert');
      await alert.waitFor(TIMEOUT);
      expect(await alert.textContent()).toMatch(/key/i);
      expect(await alert.getByRole('link', { name: 'Add a key' }).getAttribute('href')).toBe(
        '/keys',
      );
      // Nothing was sent: the text is still there to try again with another model, and no
      // empty conversation is left behind.
      expect(await composer(page).inputValue()).toBe('First line\nsecond line');
      expect(new URL(page.url()).searchParams.get('agent')).toBe(agent.id);
      const list = await json<{ items: unknown[] }>(
        await call('/api/conversations', { token: user.accessToken }),
      );
      expect(list.items).toEqual([]);
      await picker.selectOption('offline/offline-brief');
      await composer(page).press('Enter');
      await waitForStatus(replies(page).first(), 'complete');
      await alert.waitFor({ state: 'detached', ...TIMEOUT });
    } finally {
      await context.close();
    }
  });
});
