import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MAX_AGENTS_PER_USER } from '../../functions/agents/service';
import { query } from '../helpers/accounts';
import { call, expectProblem, registerUser } from '../helpers/api';
import { BUILTIN_KEYS, createAgent, listAgents } from './helpers';

describe('agents: errors', () => {
  it('refuses malformed bodies, wrong types and out-of-range values', async () => {
    const user = await registerUser();
    const post = (init: { json?: unknown; body?: string; type?: string }) =>
      call('/api/agents', {
        token: user.accessToken,
        json: init.json,
        body: init.body,
        headers: init.type ? { 'Content-Type': init.type } : undefined,
      });
    await expectProblem(
      await post({ body: '{"name":', type: 'application/json' }),
      400,
      'INVALID_JSON',
    );
    await expectProblem(
      await post({ body: 'name=x', type: 'application/x-www-form-urlencoded' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    const valid = { name: 'Agent', systemPrompt: 'Do things.' };
    const cases: Array<[unknown, RegExp]> = [
      [{}, /name/],
      [{ ...valid, name: 42 }, /body\.name/],
      [{ ...valid, name: '   ' }, /body\.name/],
      [{ ...valid, name: 'n'.repeat(81) }, /80/],
      [{ ...valid, systemPrompt: '' }, /body\.systemPrompt/],
      [{ ...valid, systemPrompt: ['a'] }, /body\.systemPrompt/],
      [{ ...valid, systemPrompt: 's'.repeat(20_001) }, /20000/],
      [{ ...valid, knowledge: 'k'.repeat(100_001) }, /100000/],
      [{ ...valid, temperature: 2.5 }, /body\.temperature/],
      [{ ...valid, temperature: -0.1 }, /body\.temperature/],
      [{ ...valid, temperature: '0.5' }, /body\.temperature/],
      [{ ...valid, icon: '123456789' }, /body\.icon/],
      [{ ...valid, icon: '' }, /body\.icon/],
      [{ ...valid, defaultModel: 5 }, /body\.defaultModel/],
      [{ ...valid, ownerId: randomUUID() }, /ownerId/],
      [{ ...valid, shareToken: 'x'.repeat(43) }, /shareToken/],
      [[valid], /body/],
    ];
    for (const [body, detail] of cases) {
      const problem = await expectProblem(await post({ json: body }), 400, 'VALIDATION_FAILED');
      expect(problem.detail, JSON.stringify(body).slice(0, 80)).toMatch(detail);
    }
    // An emoji made of several code points is one icon, not too long.
    expect((await post({ json: { ...valid, icon: '👩‍💻' } })).status).toBe(201);
    expect((await listAgents(user)).length).toBe(BUILTIN_KEYS.length + 1);
  });

  it('refuses a model that is not in the registry', async () => {
    const user = await registerUser();
    for (const defaultModel of ['openai/no-such-model', 'nobody/no-such-model', 'not-a-slug']) {
      await expectProblem(
        await call('/api/agents', {
          token: user.accessToken,
          json: { name: 'A', systemPrompt: 'B', defaultModel },
        }),
        422,
        'MODEL_UNAVAILABLE',
      );
    }
    const agent = await createAgent(user);
    await expectProblem(
      await call(`/api/agents/${agent.id}`, {
        method: 'PATCH',
        token: user.accessToken,
        json: { defaultModel: 'anthropic/nope' },
      }),
      422,
      'MODEL_UNAVAILABLE',
    );
    expect((await listAgents(user)).length).toBe(BUILTIN_KEYS.length + 1);
  });

  it('refuses a body over the size limit with 413', async () => {
    const user = await registerUser();
    const res = await call('/api/agents', {
      token: user.accessToken,
      json: { name: 'Big', systemPrompt: 'x', knowledge: 'k'.repeat(1024 * 1024 + 10) },
    });
    await expectProblem(res, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('refuses an empty or unknown-field patch', async () => {
    const user = await registerUser();
    const agent = await createAgent(user);
    const patch = (json: unknown) =>
      call(`/api/agents/${agent.id}`, { method: 'PATCH', token: user.accessToken, json });
    await expectProblem(await patch({}), 400, 'VALIDATION_FAILED');
    await expectProblem(await patch({ builtin: true }), 400, 'VALIDATION_FAILED');
    await expectProblem(await patch({ name: null }), 400, 'VALIDATION_FAILED');
    await expectProblem(await patch({ temperature: 3 }), 400, 'VALIDATION_FAILED');
  });

  it('keeps built-in agents read-only', async () => {
    const user = await registerUser();
    await expectProblem(
      await call('/api/agents/builtin:sales', {
        method: 'PATCH',
        token: user.accessToken,
        json: { name: 'Mine now' },
      }),
      403,
      'FORBIDDEN',
    );
    for (const [method, path] of [
      ['DELETE', '/api/agents/builtin:sales'],
      ['POST', '/api/agents/builtin:sales/share'],
      ['DELETE', '/api/agents/builtin:sales/share'],
    ] as const) {
      await expectProblem(await call(path, { method, token: user.accessToken }), 403, 'FORBIDDEN');
    }
    const sales = (await listAgents(user)).find((agent) => agent.id === 'builtin:sales');
    expect(sales?.name).toBe('Coach commercial');
  });

  it('answers 404 for agents and share links that do not exist', async () => {
    const user = await registerUser();
    for (const id of ['builtin:astrologer', 'builtin:', randomUUID(), 'not-a-uuid', '12345']) {
      await expectProblem(
        await call(`/api/agents/${id}`, { token: user.accessToken }),
        404,
        'NOT_FOUND',
      );
      await expectProblem(
        await call(`/api/agents/${id}/duplicate`, { method: 'POST', token: user.accessToken }),
        404,
        'NOT_FOUND',
      );
    }
    for (const token of ['x'.repeat(43), 'short', 'A'.repeat(44)]) {
      await expectProblem(
        await call(`/api/agents/shared/${token}`, { token: user.accessToken }),
        404,
        'NOT_FOUND',
      );
    }
    await expectProblem(
      await call(`/api/agents/shared/${'x'.repeat(101)}`, { token: user.accessToken }),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('caps how many agents one account owns', async () => {
    const user = await registerUser();
    await query(
      (db) => db`
        insert into agents (owner_id, name, system_prompt)
        select ${user.id}, 'Filler ' || n, 'Filler prompt'
        from generate_series(1, ${MAX_AGENTS_PER_USER}) as n`,
    );
    await expectProblem(
      await call('/api/agents', {
        token: user.accessToken,
        json: { name: 'One too many', systemPrompt: 'x' },
      }),
      409,
      'CONFLICT',
    );
    await expectProblem(
      await call('/api/agents/builtin:hr/duplicate', { method: 'POST', token: user.accessToken }),
      409,
      'CONFLICT',
    );
    expect((await listAgents(user)).length).toBe(BUILTIN_KEYS.length + MAX_AGENTS_PER_USER);
  });
});
