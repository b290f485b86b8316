import { describe, expect, it } from 'vitest';
import { call, expectProblem, json, registerUser, sql, type TestUser } from '../helpers/api';
import { adminToken, makeSignInStale, providerKey } from '../helpers/profile';

async function addKey(user: TestUser, provider: string, apiKey: string): Promise<string> {
  const res = await call(`/api/keys/${provider}`, {
    method: 'PUT',
    token: user.accessToken,
    json: { apiKey },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await json<{ id: string }>(res)).id;
}

function testCall(user: TestUser, provider: string) {
  return call(`/api/keys/${provider}/test`, { method: 'POST', token: user.accessToken });
}

describe('own AI keys: security', () => {
  it('asks for a recent sign-in before a key is added or replaced', async () => {
    const user = await registerUser();
    await makeSignInStale(user);
    const res = await call('/api/keys/openai', {
      method: 'PUT',
      token: user.accessToken,
      json: { apiKey: providerKey('openai', 'valid') },
    });
    await expectProblem(res, 403, 'REAUTH_REQUIRED');
  });

  it('never lets one user reach another user’s key, by provider or by id', async () => {
    const alice = await registerUser();
    const bob = await registerUser();
    const aliceKey = providerKey('openai', 'valid');
    const keyId = await addKey(alice, 'openai', aliceKey);

    await expectProblem(
      await call('/api/keys/openai', { method: 'DELETE', token: bob.accessToken }),
      404,
      'NOT_FOUND',
    );
    await expectProblem(await testCall(bob, 'openai'), 404, 'NOT_FOUND');
    for (const path of [`/api/keys/${keyId}`, `/api/keys/${keyId}/test`]) {
      const method = path.endsWith('/test') ? 'POST' : 'DELETE';
      await expectProblem(
        await call(path, { method, token: bob.accessToken }),
        400,
        'VALIDATION_FAILED',
      );
    }
    const bobList = await json<{ items: unknown[] }>(
      await call('/api/keys', { token: bob.accessToken }),
    );
    expect(bobList.items).toEqual([]);
    // Bob adding his own key for the same provider leaves Alice's untouched.
    await addKey(bob, 'openai', providerKey('openai', 'valid'));
    const aliceList = await json<{ items: Array<{ id: string; last4: string }> }>(
      await call('/api/keys', { token: alice.accessToken }),
    );
    expect(aliceList.items).toEqual([
      expect.objectContaining({ id: keyId, last4: aliceKey.slice(-4) }),
    ]);
  });

  it('never returns or stores the key in clear', async () => {
    const user = await registerUser();
    const apiKey = providerKey('anthropic', 'valid');
    const texts: string[] = [];
    const put = await call('/api/keys/anthropic', {
      method: 'PUT',
      token: user.accessToken,
      json: { apiKey, label: 'Main' },
    });
    texts.push(await put.text());
    for (const [method, path] of [
      ['GET', '/api/keys'],
      ['POST', '/api/keys/anthropic/test'],
      ['GET', '/api/keys'],
      ['GET', '/api/profile'],
      ['GET', '/api/profile/stats'],
      ['GET', '/api/profile/activity?limit=100'],
    ]) {
      texts.push(await (await call(path ?? '', { method, token: user.accessToken })).text());
    }
    const secretPart = apiKey.slice(0, -4);
    for (const text of texts) {
      expect(text).not.toContain(apiKey);
      expect(text).not.toContain(secretPart);
      expect(text).not.toContain(secretPart.slice(-12));
    }
    expect(texts[1]).toContain(`"last4":"${apiKey.slice(-4)}"`);

    const db = sql();
    const [row] = await db`select * from ai_keys where user_id = ${user.id}`;
    const audit = await db`select metadata::text as m from audit_log where user_id = ${user.id}`;
    const mail =
      await db`select text_body from email_outbox where text_body like ${`%${apiKey.slice(-8)}%`}`;
    await db.end();
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(secretPart);
    for (const encoded of [
      Buffer.from(apiKey).toString('base64'),
      Buffer.from(apiKey).toString('base64url'),
      Buffer.from(apiKey).toString('hex'),
    ]) {
      expect(stored).not.toContain(encoded.slice(0, 24));
    }
    expect(row?.ciphertext).not.toContain(apiKey);
    expect(audit.map((a) => a.m).join('\n')).not.toContain(secretPart);
    expect(mail).toHaveLength(0);
  });

  it('seals each save with a fresh IV', async () => {
    const user = await registerUser();
    const apiKey = providerKey('groq', 'valid');
    await addKey(user, 'groq', apiKey);
    const db = sql();
    const [first] = await db`select ciphertext, iv from ai_keys where user_id = ${user.id}`;
    const again = await call('/api/keys/groq', {
      method: 'PUT',
      token: user.accessToken,
      json: { apiKey },
    });
    expect(again.status).toBe(200);
    const [second] = await db`select ciphertext, iv from ai_keys where user_id = ${user.id}`;
    await db.end();
    expect(second?.iv).not.toBe(first?.iv);
    expect(second?.ciphertext).not.toBe(first?.ciphertext);
  });

  it('binds each ciphertext to its owner, provider and key version', async () => {
    const alice = await registerUser();
    const bob = await registerUser();
    await addKey(alice, 'openai', providerKey('openai', 'valid'));
    await addKey(alice, 'groq', providerKey('groq', 'valid'));
    await addKey(bob, 'openai', providerKey('openai', 'valid'));
    const unreadable = { ok: false, detail: 'key unreadable, add it again' };
    const db = sql();

    // Alice's sealed key copied into Bob's row: it does not decrypt for Bob.
    await db`update ai_keys b set ciphertext = a.ciphertext, iv = a.iv, key_version = a.key_version
             from ai_keys a
             where a.user_id = ${alice.id} and a.provider = 'openai'
               and b.user_id = ${bob.id} and b.provider = 'openai'`;
    const moved = await testCall(bob, 'openai');
    expect(moved.status).toBe(200);
    expect(await json(moved)).toEqual({ ...unreadable, provider: 'openai' });

    // Her OpenAI key copied into her own Groq row: the provider is bound too.
    await db`update ai_keys g set ciphertext = o.ciphertext, iv = o.iv
             from ai_keys o
             where o.user_id = ${alice.id} and o.provider = 'openai'
               and g.user_id = ${alice.id} and g.provider = 'groq'`;
    expect(await json(await testCall(alice, 'groq'))).toEqual({ ...unreadable, provider: 'groq' });

    // A relabelled version (or a version whose master key is gone) does not decrypt either.
    await db`update ai_keys set key_version = 7 where user_id = ${alice.id} and provider = 'openai'`;
    expect(await json(await testCall(alice, 'openai'))).toEqual({
      ...unreadable,
      provider: 'openai',
    });
    const [stored] = await db`select last_test_ok, last_test_error from ai_keys
                              where user_id = ${bob.id} and provider = 'openai'`;
    await db.end();
    expect(stored).toEqual({ last_test_ok: false, last_test_error: unreadable.detail });

    // Saving the key again recovers.
    const fresh = providerKey('openai', 'valid');
    const replaced = await call('/api/keys/openai', {
      method: 'PUT',
      token: bob.accessToken,
      json: { apiKey: fresh },
    });
    expect(replaced.status).toBe(200);
    expect(await json(await testCall(bob, 'openai'))).toMatchObject({ ok: true });
  });

  it('an own key that no longer decrypts is an error the user sees, never a silent fallback', async () => {
    const user = await registerUser();
    await addKey(user, 'openai', providerKey('openai', 'valid'));
    const db = sql();
    await db`update ai_keys set key_version = 9 where user_id = ${user.id} and provider = 'openai'`;
    await db.end();
    const created = await call('/api/conversations', { token: user.accessToken, json: {} });
    const { id } = await json<{ id: string }>(created);
    const res = await call(`/api/conversations/${id}/messages`, {
      token: user.accessToken,
      json: { content: 'Hi', model: 'openai/gpt-4o-mini' },
    });
    const problem = await expectProblem(res, 422, 'KEY_UNREADABLE');
    expect(problem.detail).toMatch(/your key for openai could not be read; enter it again/i);
    const messages = await json<{ messages: unknown[] }>(
      await call(`/api/conversations/${id}`, { token: user.accessToken }),
    );
    expect(messages.messages).toHaveLength(0);
  });

  it('lets only an admin rotate the master key, idempotently', async () => {
    const user = await registerUser();
    await addKey(user, 'mistral', providerKey('mistral', 'valid'));
    await expectProblem(
      await call('/api/admin/keys/rotate', { method: 'POST', token: user.accessToken }),
      403,
      'FORBIDDEN',
    );
    const token = await adminToken();
    for (let run = 0; run < 2; run++) {
      const res = await call('/api/admin/keys/rotate', { method: 'POST', token });
      expect(res.status, await res.clone().text()).toBe(200);
      const body = await json<{
        currentVersion: number;
        aiKeys: { rotated: number };
        done: boolean;
      }>(res);
      // One master key in this stack: everything is already current.
      expect(body).toMatchObject({ currentVersion: 1, done: true, aiKeys: { rotated: 0 } });
    }
    expect(await json(await testCall(user, 'mistral'))).toMatchObject({ ok: true });
  });
});
