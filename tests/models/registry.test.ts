import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createApiToken, v1Chat } from '../developer/helpers';
import { createAdmin } from '../helpers/accounts';
import { call, expectProblem, json, registerUser } from '../helpers/api';
import { providerKey } from '../helpers/profile';

interface ModelBody {
  slug: string;
  provider: string;
  modelId: string;
  displayName: string;
  contextWindow: number;
  inputPriceMicros: number;
  outputPriceMicros: number;
  inputPriceDollars: number;
  outputPriceDollars: number;
  vision: boolean;
  tools: boolean;
  offline: boolean;
  availability: string;
}

interface AdminModelBody extends Omit<ModelBody, 'availability'> {
  id: string;
  enabled: boolean;
  sortOrder: number;
  createdAt: string;
  updatedAt: string;
}

async function models(token: string): Promise<ModelBody[]> {
  const res = await call('/api/models', { token });
  expect(res.status).toBe(200);
  return (await json<{ items: ModelBody[] }>(res)).items;
}

const bySlug = (items: ModelBody[], slug: string) => items.find((item) => item.slug === slug);

function newModel(overrides: Record<string, unknown> = {}) {
  return {
    provider: 'groq',
    modelId: `test-model-${randomBytes(4).toString('hex')}`,
    displayName: 'Test model',
    contextWindow: 32_000,
    inputPriceMicros: 250_000,
    outputPriceMicros: 1_250_000,
    vision: false,
    tools: true,
    sortOrder: 900,
    ...overrides,
  };
}

describe('model registry', () => {
  it('lists enabled models with prices, capabilities and availability', async () => {
    const user = await registerUser();
    await expectProblem(await call('/api/models'), 401, 'UNAUTHORIZED');
    const items = await models(user.accessToken);
    expect(items.slice(0, 3).map((item) => item.slug)).toEqual([
      'offline/offline-brief',
      'offline/offline-detailed',
      'offline/offline-coder',
    ]);
    expect(bySlug(items, 'offline/offline-brief')).toEqual({
      slug: 'offline/offline-brief',
      provider: 'offline',
      modelId: 'offline-brief',
      displayName: 'Offline · Brief',
      contextWindow: 32_768,
      inputPriceMicros: 0,
      outputPriceMicros: 0,
      inputPriceDollars: 0,
      outputPriceDollars: 0,
      vision: true,
      tools: false,
      offline: true,
      availability: 'offline',
    });
    expect(bySlug(items, 'openai/gpt-4o-mini')).toMatchObject({
      provider: 'openai',
      inputPriceMicros: 150_000,
      outputPriceMicros: 600_000,
      inputPriceDollars: 0.15,
      outputPriceDollars: 0.6,
      vision: true,
      tools: true,
      offline: false,
      // The test stack sets no platform keys.
      availability: 'not-configured',
    });
  });

  it('shows own-key for a provider once the user adds a key, and back after deleting it', async () => {
    const user = await registerUser();
    const added = await call('/api/keys/openai', {
      method: 'PUT',
      token: user.accessToken,
      json: { apiKey: providerKey('openai', 'valid') },
    });
    expect(added.status, await added.clone().text()).toBe(201);
    const items = await models(user.accessToken);
    for (const item of items.filter((model) => model.provider === 'openai')) {
      expect(item.availability, item.slug).toBe('own-key');
    }
    expect(bySlug(items, 'anthropic/claude-haiku-4-5')?.availability).toBe('not-configured');
    expect(bySlug(items, 'offline/offline-coder')?.availability).toBe('offline');

    // Another user's key changes nothing for this one.
    const other = await registerUser();
    expect(bySlug(await models(other.accessToken), 'openai/gpt-4o')?.availability).toBe(
      'not-configured',
    );

    const removed = await call('/api/keys/openai', { method: 'DELETE', token: user.accessToken });
    expect(removed.status).toBe(204);
    expect(bySlug(await models(user.accessToken), 'openai/gpt-4o')?.availability).toBe(
      'not-configured',
    );
  });

  it('lets an admin add, edit, disable and re-enable a model', async () => {
    const admin = await createAdmin();
    const user = await registerUser();
    const input = newModel();
    const created = await call('/api/admin/models', { token: admin.accessToken, json: input });
    expect(created.status, await created.clone().text()).toBe(201);
    const model = await json<AdminModelBody>(created);
    const slug = `groq/${input.modelId}`;
    expect(model).toMatchObject({
      slug,
      provider: 'groq',
      modelId: input.modelId,
      displayName: 'Test model',
      inputPriceDollars: 0.25,
      outputPriceDollars: 1.25,
      enabled: true,
      sortOrder: 900,
      offline: false,
    });
    expect(bySlug(await models(user.accessToken), slug)?.availability).toBe('not-configured');

    const patched = await call(`/api/admin/models/${model.id}`, {
      method: 'PATCH',
      token: admin.accessToken,
      json: {
        displayName: 'Renamed model',
        inputPriceMicros: 300_000,
        outputPriceMicros: 900_000,
        contextWindow: 64_000,
        vision: true,
        sortOrder: 901,
      },
    });
    expect(patched.status, await patched.clone().text()).toBe(200);
    const after = await json<AdminModelBody>(patched);
    expect(after).toMatchObject({
      id: model.id,
      displayName: 'Renamed model',
      inputPriceMicros: 300_000,
      outputPriceDollars: 0.9,
      contextWindow: 64_000,
      vision: true,
      tools: true,
      sortOrder: 901,
    });
    expect(Date.parse(after.updatedAt)).toBeGreaterThanOrEqual(Date.parse(model.updatedAt));
    expect(bySlug(await models(user.accessToken), slug)?.displayName).toBe('Renamed model');

    const disabled = await call(`/api/admin/models/${model.id}`, {
      method: 'PATCH',
      token: admin.accessToken,
      json: { enabled: false },
    });
    expect((await json<AdminModelBody>(disabled)).enabled).toBe(false);
    expect(bySlug(await models(user.accessToken), slug)).toBeUndefined();
    const all = await json<{ items: AdminModelBody[] }>(
      await call('/api/admin/models', { token: admin.accessToken }),
    );
    expect(all.items.find((item) => item.id === model.id)?.enabled).toBe(false);
    expect(all.items.find((item) => item.slug === 'offline/offline-brief')?.enabled).toBe(true);

    // A disabled model cannot be called through the API either.
    const { token } = await createApiToken(user);
    await expectProblem(
      await v1Chat(token, { model: slug, messages: [{ role: 'user', content: 'Hi' }] }),
      422,
      'MODEL_UNAVAILABLE',
    );

    await call(`/api/admin/models/${model.id}`, {
      method: 'PATCH',
      token: admin.accessToken,
      json: { enabled: true },
    });
    expect(bySlug(await models(user.accessToken), slug)).toBeDefined();
  });

  it('refuses a duplicate provider and model id with 409', async () => {
    const admin = await createAdmin();
    const input = newModel();
    const first = await call('/api/admin/models', { token: admin.accessToken, json: input });
    expect(first.status).toBe(201);
    const again = await call('/api/admin/models', {
      token: admin.accessToken,
      json: { ...input, displayName: 'Another name' },
    });
    const problem = await expectProblem(again, 409, 'CONFLICT');
    expect(problem.detail).toContain(`groq/${input.modelId}`);
    await expectProblem(
      await call('/api/admin/models', {
        token: admin.accessToken,
        json: newModel({ provider: 'offline', modelId: 'offline-brief' }),
      }),
      409,
      'CONFLICT',
    );
  });

  it('validates admin input and answers 404 for an unknown id', async () => {
    const admin = await createAdmin();
    const invalid: Array<[Record<string, unknown>, string]> = [
      [newModel({ provider: 'acme' }), 'body.provider'],
      [newModel({ modelId: '' }), 'body.modelId'],
      [newModel({ modelId: 'has space' }), 'body.modelId'],
      [newModel({ displayName: ' ' }), 'body.displayName'],
      [newModel({ contextWindow: 0 }), 'body.contextWindow'],
      [newModel({ inputPriceMicros: -1 }), 'body.inputPriceMicros'],
      [newModel({ outputPriceMicros: 1.5 }), 'body.outputPriceMicros'],
      [newModel({ vision: 'yes' }), 'body.vision'],
      [newModel({ id: 'chosen' }), 'body'],
    ];
    for (const [body, path] of invalid) {
      const problem = await expectProblem(
        await call('/api/admin/models', { token: admin.accessToken, json: body }),
        400,
        'VALIDATION_FAILED',
      );
      expect(
        problem.errors?.map((issue) => issue.path),
        JSON.stringify(body),
      ).toContain(path);
    }
    await expectProblem(
      await call('/api/admin/models', {
        token: admin.accessToken,
        body: '{"provider":',
        headers: { 'Content-Type': 'application/json' },
      }),
      400,
      'INVALID_JSON',
    );
    const [existing] = (
      await json<{ items: AdminModelBody[] }>(
        await call('/api/admin/models', { token: admin.accessToken }),
      )
    ).items;
    for (const body of [{}, { enabled: 'no' }, { provider: 'openai' }, { inputPriceMicros: -5 }]) {
      await expectProblem(
        await call(`/api/admin/models/${existing?.id}`, {
          method: 'PATCH',
          token: admin.accessToken,
          json: body,
        }),
        400,
        'VALIDATION_FAILED',
      );
    }
    await expectProblem(
      await call('/api/admin/models/4a8c3f70-9d5e-4b1a-8c2e-7f6a5b4c3d21', {
        method: 'PATCH',
        token: admin.accessToken,
        json: { displayName: 'Ghost' },
      }),
      404,
      'NOT_FOUND',
    );
    await expectProblem(
      await call('/api/admin/models/not-a-uuid', {
        method: 'PATCH',
        token: admin.accessToken,
        json: { displayName: 'Ghost' },
      }),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('refuses the admin routes to non-admins (403) and to anonymous callers (401)', async () => {
    const user = await registerUser();
    const admin = await createAdmin();
    const [target] = (
      await json<{ items: AdminModelBody[] }>(
        await call('/api/admin/models', { token: admin.accessToken }),
      )
    ).items;
    const routes: Array<[string, string, unknown]> = [
      ['GET', '/api/admin/models', undefined],
      ['POST', '/api/admin/models', newModel()],
      ['PATCH', `/api/admin/models/${target?.id}`, { enabled: false }],
    ];
    for (const [method, path, body] of routes) {
      await expectProblem(
        await call(path, { method, token: user.accessToken, json: body }),
        403,
        'FORBIDDEN',
      );
      await expectProblem(await call(path, { method, json: body }), 401, 'UNAUTHORIZED');
    }
    // The refused PATCH changed nothing.
    const again = await json<{ items: AdminModelBody[] }>(
      await call('/api/admin/models', { token: admin.accessToken }),
    );
    expect(again.items.find((item) => item.id === target?.id)?.enabled).toBe(target?.enabled);
  });
});
