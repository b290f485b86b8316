import { describe, expect, it } from 'vitest';
import { createAdmin } from '../helpers/accounts';
import { call, expectProblem, json, registerUser } from '../helpers/api';
import { createPrompt, listIds, listPrompts, type PromptBody, uniqueWord } from './helpers';

describe('prompts: security', () => {
  it('hides a private prompt from other users, administrators included', async () => {
    const alice = await registerUser();
    const bob = await registerUser();
    const admin = await createAdmin();
    const word = uniqueWord('secret');
    const category = uniqueWord('cat');
    const tag = uniqueWord('tag');
    const prompt = await createPrompt(alice, {
      title: `Alice ${word}`,
      body: `Private ${word}`,
      category,
      tags: [tag],
    });
    for (const intruder of [bob, admin]) {
      const attempts: Array<[string, string, unknown]> = [
        ['GET', '', undefined],
        ['PATCH', '', { title: 'Taken over' }],
        ['DELETE', '', undefined],
        ['PUT', '/favorite', undefined],
        ['DELETE', '/favorite', undefined],
      ];
      for (const [method, suffix, body] of attempts) {
        await expectProblem(
          await call(`/api/prompts/${prompt.id}${suffix}`, {
            method,
            json: body,
            token: intruder.accessToken,
          }),
          404,
          'NOT_FOUND',
        );
      }
      for (const scope of ['all', 'mine', 'public']) {
        expect(await listIds(intruder, { q: word, scope })).toEqual([]);
        expect(await listIds(intruder, { tag, scope })).toEqual([]);
        expect(await listIds(intruder, { category, scope })).toEqual([]);
      }
      const categories = await json<{ items: Array<{ category: string }> }>(
        await call('/api/prompts/categories', { token: intruder.accessToken }),
      );
      expect(categories.items.map((item) => item.category)).not.toContain(category);
    }
    const still = await json<PromptBody>(
      await call(`/api/prompts/${prompt.id}`, { token: alice.accessToken }),
    );
    expect(still).toEqual(prompt);
  });

  it('lets only administrators publish', async () => {
    const user = await registerUser();
    const word = uniqueWord('pub');
    await expectProblem(
      await call('/api/prompts', {
        token: user.accessToken,
        json: { title: word, body: 'Everyone should see this', isPublic: true },
      }),
      403,
      'FORBIDDEN',
    );
    expect(await listIds(user, { q: word })).toEqual([]);

    const own = await createPrompt(user, { title: word, isPublic: false });
    await expectProblem(
      await call(`/api/prompts/${own.id}`, {
        method: 'PATCH',
        token: user.accessToken,
        json: { isPublic: true, title: 'Changed' },
      }),
      403,
      'FORBIDDEN',
    );
    const after = await json<PromptBody>(
      await call(`/api/prompts/${own.id}`, { token: user.accessToken }),
    );
    expect(after).toMatchObject({ isPublic: false, title: word });
    const other = await registerUser();
    expect(await listIds(other, { q: word })).toEqual([]);
  });

  it('lets readers use a public prompt but not change or delete it', async () => {
    const admin = await createAdmin();
    const reader = await registerUser();
    const tag = uniqueWord('pub');
    const published = await createPrompt(admin, {
      title: 'House prompt',
      tags: [tag],
      isPublic: true,
    });
    for (const [method, body] of [
      ['PATCH', { title: 'Vandalised' }],
      ['PATCH', { isPublic: false }],
      ['DELETE', undefined],
    ] as const) {
      await expectProblem(
        await call(`/api/prompts/${published.id}`, {
          method,
          json: body,
          token: reader.accessToken,
        }),
        403,
        'FORBIDDEN',
      );
    }
    const items = (await listPrompts(reader, { tag })).items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ title: 'House prompt', isPublic: true, canEdit: false });
  });

  it('treats % and _ in a search as plain characters', async () => {
    const user = await registerUser();
    const word = uniqueWord('promo');
    const percent = await createPrompt(user, { title: `${word} 100% off` });
    await createPrompt(user, { title: `${word} 1000 off` });
    await createPrompt(user, { title: `${word} 10x0 off` });
    expect(await listIds(user, { q: '00%', scope: 'mine' })).toEqual([percent.id]);
    expect(await listIds(user, { q: '%', scope: 'mine' })).toEqual([percent.id]);
    expect(await listIds(user, { q: '10_0', scope: 'mine' })).toEqual([]);
    // Quotes and semicolons are search text, never SQL.
    expect(await listIds(user, { q: "'; drop table prompts; --", scope: 'mine' })).toEqual([]);
    expect(await listIds(user, { q: `"${word} 100"`, scope: 'mine' })).toEqual([percent.id]);
    expect((await listPrompts(user, { scope: 'mine' })).items).toHaveLength(3);
  });
});
