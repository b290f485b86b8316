import { describe, expect, it } from 'vitest';
import { MODEL_COUNTS } from '../fakes/ai-providers';
import { call, json, registerUser } from '../helpers/api';
import { auditActions, fakeRequests, PROVIDERS, providerKey } from '../helpers/profile';

interface KeyBody {
  id: string;
  provider: string;
  label: string | null;
  last4: string;
  keyVersion: number;
  lastTestedAt: string | null;
  lastTestOk: boolean | null;
}

/** How each vendor's SDK sends the key, as the fakes saw it. */
const EXPECTED_AUTH: Record<(typeof PROVIDERS)[number], string> = {
  openai: 'bearer',
  anthropic: 'bearer',
  google: 'x-goog-api-key',
  mistral: 'bearer',
  groq: 'bearer',
};

describe('own AI keys: happy paths', () => {
  it('adds, lists, replaces, tests and deletes a key', async () => {
    const user = await registerUser();
    const apiKey = providerKey('openai', 'valid');
    const added = await call('/api/keys/openai', {
      method: 'PUT',
      token: user.accessToken,
      json: { apiKey, label: 'Work' },
    });
    expect(added.status, await added.clone().text()).toBe(201);
    const key = await json<KeyBody>(added);
    expect(key).toMatchObject({
      provider: 'openai',
      label: 'Work',
      last4: apiKey.slice(-4),
      keyVersion: 1,
      lastTestedAt: null,
      lastTestOk: null,
    });

    const list = await json<{ items: KeyBody[] }>(
      await call('/api/keys', { token: user.accessToken }),
    );
    expect(list.items).toEqual([expect.objectContaining({ id: key.id, provider: 'openai' })]);

    const replacement = providerKey('openai', 'valid');
    const replaced = await call('/api/keys/openai', {
      method: 'PUT',
      token: user.accessToken,
      json: { apiKey: replacement },
    });
    expect(replaced.status).toBe(200);
    expect(await json<KeyBody>(replaced)).toMatchObject({
      id: key.id,
      label: 'Work',
      last4: replacement.slice(-4),
    });

    const before = (await fakeRequests()).length;
    const tested = await call('/api/keys/openai/test', {
      method: 'POST',
      token: user.accessToken,
    });
    expect(tested.status).toBe(200);
    expect(await json(tested)).toEqual({
      ok: true,
      provider: 'openai',
      detail: 'key accepted by openai',
      models: MODEL_COUNTS.openai,
    });
    const calls = (await fakeRequests()).slice(before);
    expect(calls).toEqual([
      expect.objectContaining({
        vendor: 'openai',
        path: '/openai/v1/models',
        auth: 'bearer',
        keyLast4: replacement.slice(-4),
      }),
    ]);
    const [listed] = (
      await json<{ items: KeyBody[] }>(await call('/api/keys', { token: user.accessToken }))
    ).items;
    expect(listed?.lastTestOk).toBe(true);
    expect(Date.parse(String(listed?.lastTestedAt))).toBeGreaterThan(Date.now() - 60_000);

    const stats = await json<{ aiKeys: number }>(
      await call('/api/profile/stats', { token: user.accessToken }),
    );
    expect(stats.aiKeys).toBe(1);

    const deleted = await call('/api/keys/openai', { method: 'DELETE', token: user.accessToken });
    expect(deleted.status).toBe(204);
    const empty = await json<{ items: KeyBody[] }>(
      await call('/api/keys', { token: user.accessToken }),
    );
    expect(empty.items).toEqual([]);
    expect(await auditActions(user.id)).toEqual(
      expect.arrayContaining(['key.added', 'key.replaced', 'key.tested', 'key.deleted']),
    );
  });

  it.each(PROVIDERS)('tests a good %s key through its official SDK', async (provider) => {
    const user = await registerUser();
    const apiKey = providerKey(provider, 'valid');
    const put = await call(`/api/keys/${provider}`, {
      method: 'PUT',
      token: user.accessToken,
      json: { apiKey },
    });
    expect(put.status, await put.clone().text()).toBe(201);
    const before = (await fakeRequests()).length;
    const res = await call(`/api/keys/${provider}/test`, {
      method: 'POST',
      token: user.accessToken,
    });
    expect(await json(res)).toEqual({
      ok: true,
      provider,
      detail: `key accepted by ${provider}`,
      models: MODEL_COUNTS[provider],
    });
    const [seen, ...more] = (await fakeRequests()).slice(before);
    expect(more).toEqual([]);
    expect(seen).toMatchObject({
      vendor: provider,
      auth: EXPECTED_AUTH[provider],
      keyLast4: apiKey.slice(-4),
    });
    if (provider === 'anthropic') expect(seen?.anthropicVersion).toBeTruthy();
  });
});
