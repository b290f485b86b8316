import { describe, expect, it } from 'vitest';
import { createAdmin } from '../helpers/accounts';
import { call, expectProblem, json, registerUser } from '../helpers/api';
import { createPrompt, listIds, listPrompts, type PromptBody, uniqueWord } from './helpers';

describe('prompts: happy paths', () => {
  it('saves, reads, changes and deletes a prompt, listing its variables', async () => {
    const user = await registerUser();
    const created = await createPrompt(user, {
      title: '  Cold email  ',
      body: 'Write a cold email to {{ company }} about {{product}}. Name {{company}} twice.',
      category: 'sales',
      tags: ['email', 'outreach', 'email', ' b2b '],
    });
    expect(created).toMatchObject({
      title: 'Cold email',
      category: 'sales',
      tags: ['email', 'outreach', 'b2b'],
      isPublic: false,
      variables: ['company', 'product'],
      favorite: false,
      mine: true,
      canEdit: true,
    });
    const plain = await createPrompt(user, { title: 'Plain', body: 'No variables here.' });
    expect(plain).toMatchObject({ category: 'general', tags: [], variables: [] });

    const got = await call(`/api/prompts/${created.id}`, { token: user.accessToken });
    expect(got.status).toBe(200);
    expect(await got.json()).toEqual(created);

    const patched = await call(`/api/prompts/${created.id}`, {
      method: 'PATCH',
      token: user.accessToken,
      json: { body: 'Summarise {{text}} in {{ length }} bullet points for {{text}}.', tags: [] },
    });
    expect(patched.status, await patched.clone().text()).toBe(200);
    const updated = await json<PromptBody>(patched);
    expect(updated).toMatchObject({
      title: 'Cold email',
      category: 'sales',
      tags: [],
      variables: ['text', 'length'],
    });
    expect(Date.parse(updated.updatedAt)).toBeGreaterThan(Date.parse(created.updatedAt));

    expect(await listIds(user, { scope: 'mine' })).toEqual([plain.id, created.id]);

    const deleted = await call(`/api/prompts/${created.id}`, {
      method: 'DELETE',
      token: user.accessToken,
    });
    expect(deleted.status).toBe(204);
    await expectProblem(
      await call(`/api/prompts/${created.id}`, { token: user.accessToken }),
      404,
      'NOT_FOUND',
    );
    expect(await listIds(user, { scope: 'mine' })).toEqual([plain.id]);
  });

  it('finds prompts by a word in the body or title, by part of a word, and by phrase rules', async () => {
    const user = await registerUser();
    const alpha = uniqueWord('alpha');
    const beta = uniqueWord('beta');
    const both = await createPrompt(user, {
      title: 'Both words',
      body: `First ${alpha}, then some text, and ${beta} at the end.`,
    });
    const onlyAlpha = await createPrompt(user, { title: `About ${alpha}`, body: 'Title only.' });
    await createPrompt(user, { title: 'Unrelated', body: 'Nothing to see.' });

    expect(await listIds(user, { q: beta })).toEqual([both.id]);
    expect(await listIds(user, { q: alpha })).toEqual([onlyAlpha.id, both.id]);
    expect(await listIds(user, { q: alpha.toUpperCase() })).toEqual([onlyAlpha.id, both.id]);
    // Part of a word: full-text search matches whole words only, the fallback finds the rest.
    expect(await listIds(user, { q: beta.slice(0, 8) })).toEqual([both.id]);
    // Web-search syntax: both words anywhere, or one without the other.
    expect(await listIds(user, { q: `${beta} ${alpha}` })).toEqual([both.id]);
    expect(await listIds(user, { q: `${alpha} -${beta}` })).toEqual([onlyAlpha.id]);
    expect(await listIds(user, { q: uniqueWord('none') })).toEqual([]);
  });

  it('filters by category, tag and favourites, and counts categories', async () => {
    const user = await registerUser();
    const category = uniqueWord('cat');
    const other = uniqueWord('cat');
    const tag = uniqueWord('tag');
    const first = await createPrompt(user, { category, tags: [tag, 'x'] });
    const second = await createPrompt(user, { category, tags: ['y'] });
    const third = await createPrompt(user, { category: other, tags: [tag] });

    expect(await listIds(user, { category })).toEqual([second.id, first.id]);
    expect(await listIds(user, { tag })).toEqual([third.id, first.id]);
    expect(await listIds(user, { category, tag })).toEqual([first.id]);

    expect(await listIds(user, { favorites: 'true' })).toEqual([]);
    for (const id of [first.id, third.id, third.id]) {
      const res = await call(`/api/prompts/${id}/favorite`, {
        method: 'PUT',
        token: user.accessToken,
      });
      expect(res.status).toBe(204);
    }
    const favorites = await listPrompts(user, { favorites: 'true' });
    expect(favorites.items.map((item) => item.id)).toEqual([third.id, first.id]);
    expect(favorites.items.every((item) => item.favorite)).toBe(true);
    expect((await listPrompts(user, { favorites: 'false', scope: 'mine' })).items).toHaveLength(3);
    const unfav = await call(`/api/prompts/${third.id}/favorite`, {
      method: 'DELETE',
      token: user.accessToken,
    });
    expect(unfav.status).toBe(204);
    expect(await listIds(user, { favorites: 'true' })).toEqual([first.id]);
    const got = await json<PromptBody>(
      await call(`/api/prompts/${third.id}`, { token: user.accessToken }),
    );
    expect(got.favorite).toBe(false);

    const res = await call('/api/prompts/categories', { token: user.accessToken });
    expect(res.status).toBe(200);
    const { items } = await json<{ items: Array<{ category: string; count: number }> }>(res);
    expect(items).toContainEqual({ category, count: 2 });
    expect(items).toContainEqual({ category: other, count: 1 });
    expect(items.findIndex((item) => item.category === category)).toBeLessThan(
      items.findIndex((item) => item.category === other),
    );
  });

  it('pages newest first with a cursor', async () => {
    const user = await registerUser();
    const tag = uniqueWord('page');
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push((await createPrompt(user, { tags: [tag] })).id);
    const newestFirst = [...made].reverse();

    const first = await listPrompts(user, { tag, limit: '2' });
    expect(first.items.map((item) => item.id)).toEqual(newestFirst.slice(0, 2));
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await listPrompts(user, { tag, limit: '2', cursor: first.nextCursor ?? '' });
    expect(second.items.map((item) => item.id)).toEqual(newestFirst.slice(2, 4));
    const third = await listPrompts(user, { tag, limit: '2', cursor: second.nextCursor ?? '' });
    expect(third.items.map((item) => item.id)).toEqual(newestFirst.slice(4));
    expect(third.nextCursor).toBeNull();
  });

  it('lets an admin publish a prompt that everyone sees, favourites and admins manage', async () => {
    const admin = await createAdmin();
    const otherAdmin = await createAdmin();
    const reader = await registerUser();
    const tag = uniqueWord('pub');
    const published = await createPrompt(admin, {
      title: 'Summarise',
      body: 'Summarise {{text}} in {{length}} bullet points.',
      tags: [tag],
      isPublic: true,
    });
    expect(published).toMatchObject({ isPublic: true, mine: true, canEdit: true });

    const seen = await listPrompts(reader, { tag });
    expect(seen.items).toHaveLength(1);
    expect(seen.items[0]).toMatchObject({
      id: published.id,
      isPublic: true,
      mine: false,
      canEdit: false,
      variables: ['text', 'length'],
    });
    expect(await listIds(reader, { tag, scope: 'public' })).toEqual([published.id]);
    expect(await listIds(reader, { tag, scope: 'mine' })).toEqual([]);
    expect(await listIds(admin, { tag, scope: 'mine' })).toEqual([published.id]);

    const fav = await call(`/api/prompts/${published.id}/favorite`, {
      method: 'PUT',
      token: reader.accessToken,
    });
    expect(fav.status).toBe(204);
    expect(await listIds(reader, { favorites: 'true', tag })).toEqual([published.id]);
    // A favourite is personal: the author's view is unchanged.
    expect((await listPrompts(admin, { tag })).items[0]?.favorite).toBe(false);

    // Another administrator may edit a public prompt they did not write.
    const view = await json<PromptBody>(
      await call(`/api/prompts/${published.id}`, { token: otherAdmin.accessToken }),
    );
    expect(view).toMatchObject({ mine: false, canEdit: true });
    const edit = await call(`/api/prompts/${published.id}`, {
      method: 'PATCH',
      token: otherAdmin.accessToken,
      json: { title: 'Summarise a text' },
    });
    expect(edit.status, await edit.clone().text()).toBe(200);
    expect((await listPrompts(reader, { tag })).items[0]?.title).toBe('Summarise a text');

    // Unpublished, it is the author's alone again.
    const unpublish = await call(`/api/prompts/${published.id}`, {
      method: 'PATCH',
      token: admin.accessToken,
      json: { isPublic: false },
    });
    expect(unpublish.status).toBe(200);
    expect(await listIds(reader, { tag })).toEqual([]);
    expect(await listIds(reader, { favorites: 'true', tag })).toEqual([]);
    await expectProblem(
      await call(`/api/prompts/${published.id}`, { token: reader.accessToken }),
      404,
      'NOT_FOUND',
    );

    const republish = await call(`/api/prompts/${published.id}`, {
      method: 'PATCH',
      token: admin.accessToken,
      json: { isPublic: true },
    });
    expect(republish.status).toBe(200);
    const removed = await call(`/api/prompts/${published.id}`, {
      method: 'DELETE',
      token: otherAdmin.accessToken,
    });
    expect(removed.status).toBe(204);
    expect(await listIds(admin, { tag })).toEqual([]);
  });
});
