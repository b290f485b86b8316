import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_PROMPTS_PER_USER } from '../../functions/prompts/service';
import { query } from '../helpers/accounts';
import { call, expectProblem, registerUser } from '../helpers/api';
import { createPrompt, listPrompts } from './helpers';

describe('prompts: errors', () => {
  it('refuses malformed bodies, wrong types and oversize fields', async () => {
    const user = await registerUser();
    const post = (init: { json?: unknown; body?: string; type?: string }) =>
      call('/api/prompts', {
        token: user.accessToken,
        json: init.json,
        body: init.body,
        headers: init.type ? { 'Content-Type': init.type } : undefined,
      });
    await expectProblem(
      await post({ body: '{"title": "x", ', type: 'application/json' }),
      400,
      'INVALID_JSON',
    );
    await expectProblem(
      await post({ body: 'title', type: 'text/plain' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    const valid = { title: 'Title', body: 'Body' };
    const cases: Array<[unknown, RegExp]> = [
      [{}, /body\.title/],
      [{ ...valid, title: 5 }, /body\.title/],
      [{ ...valid, title: ' ' }, /body\.title/],
      [{ ...valid, title: 't'.repeat(121) }, /120/],
      [{ ...valid, body: '' }, /body\.body/],
      [{ ...valid, body: 'b'.repeat(20_001) }, /20000/],
      [{ ...valid, category: 'c'.repeat(41) }, /40/],
      [{ ...valid, category: '' }, /body\.category/],
      [{ ...valid, tags: 'a,b' }, /body\.tags/],
      [{ ...valid, tags: Array.from({ length: 11 }, (_, i) => `t${i}`) }, /10 tags/],
      [{ ...valid, tags: ['t'.repeat(33)] }, /32/],
      [{ ...valid, tags: [''] }, /body\.tags/],
      [{ ...valid, tags: [7] }, /body\.tags/],
      [{ ...valid, isPublic: 'yes' }, /body\.isPublic/],
      [{ ...valid, ownerId: randomUUID() }, /ownerId/],
      [{ ...valid, variables: ['x'] }, /variables/],
    ];
    for (const [body, detail] of cases) {
      const problem = await expectProblem(await post({ json: body }), 400, 'VALIDATION_FAILED');
      expect(problem.detail, JSON.stringify(body).slice(0, 80)).toMatch(detail);
    }
    await expectProblem(
      await post({ json: { ...valid, body: 'b'.repeat(1024 * 1024 + 1) } }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    expect((await listPrompts(user, { scope: 'mine' })).items).toEqual([]);
  });

  it('refuses an empty or invalid patch', async () => {
    const user = await registerUser();
    const prompt = await createPrompt(user);
    const patch = (json: unknown) =>
      call(`/api/prompts/${prompt.id}`, { method: 'PATCH', token: user.accessToken, json });
    await expectProblem(await patch({}), 400, 'VALIDATION_FAILED');
    await expectProblem(await patch({ title: null }), 400, 'VALIDATION_FAILED');
    await expectProblem(await patch({ tags: ['a', 42] }), 400, 'VALIDATION_FAILED');
    await expectProblem(await patch({ canEdit: true }), 400, 'VALIDATION_FAILED');
  });

  it('refuses bad list parameters', async () => {
    const user = await registerUser();
    const badParams: Array<Record<string, string>> = [
      { limit: '0' },
      { limit: '101' },
      { limit: 'ten' },
      { scope: 'everyone' },
      { favorites: 'yes' },
      { q: 'q'.repeat(201) },
      { tag: 't'.repeat(33) },
      { cursor: 'not-a-cursor' },
      { cursor: Buffer.from('["2026-01-01", "x"]').toString('base64url') },
    ];
    for (const params of badParams) {
      await expectProblem(
        await call(`/api/prompts?${new URLSearchParams(params)}`, { token: user.accessToken }),
        400,
        'VALIDATION_FAILED',
      );
    }
  });

  it('answers 400 for a malformed id and 404 for an unknown one', async () => {
    const user = await registerUser();
    const unknown = randomUUID();
    const routes: Array<[string, string, unknown]> = [
      ['GET', '', undefined],
      ['PATCH', '', { title: 'x' }],
      ['DELETE', '', undefined],
      ['PUT', '/favorite', undefined],
      ['DELETE', '/favorite', undefined],
    ];
    for (const [method, suffix, json] of routes) {
      await expectProblem(
        await call(`/api/prompts/not-a-uuid${suffix}`, { method, json, token: user.accessToken }),
        400,
        'VALIDATION_FAILED',
      );
      await expectProblem(
        await call(`/api/prompts/${unknown}${suffix}`, { method, json, token: user.accessToken }),
        404,
        'NOT_FOUND',
      );
    }
  });

  it('caps how many prompts one account owns', async () => {
    const user = await registerUser();
    await query(
      (db) => db`
        insert into prompts (owner_id, title, body)
        select ${user.id}, 'Filler ' || n, 'Filler body'
        from generate_series(1, ${MAX_PROMPTS_PER_USER}) as n`,
    );
    await expectProblem(
      await call('/api/prompts', {
        token: user.accessToken,
        json: { title: 'One too many', body: 'x' },
      }),
      409,
      'CONFLICT',
    );
  });
});
