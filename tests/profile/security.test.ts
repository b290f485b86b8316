import { describe, expect, it } from 'vitest';
import { call, expectProblem, json, registerUser, sql, uniqueEmail } from '../helpers/api';
import { makeSignInStale, png, putAvatar, waitForChangeToken } from '../helpers/profile';

describe('profile: security', () => {
  it('asks for a recent sign-in before an e-mail change, and creates no link', async () => {
    const user = await registerUser();
    await makeSignInStale(user);
    const res = await call('/api/profile/email', {
      token: user.accessToken,
      json: { newEmail: uniqueEmail() },
    });
    await expectProblem(res, 403, 'REAUTH_REQUIRED');
    const db = sql();
    const rows =
      await db`select 1 from auth_tokens where user_id = ${user.id} and purpose = 'change_email'`;
    await db.end();
    expect(rows).toHaveLength(0);
  });

  it('answers the same for a taken address and refuses it at confirmation, changing nothing', async () => {
    const owner = await registerUser();
    const other = await registerUser();
    const free = await call('/api/profile/email', {
      token: owner.accessToken,
      json: { newEmail: uniqueEmail('free') },
    });
    const taken = await call('/api/profile/email', {
      token: owner.accessToken,
      json: { newEmail: other.email },
    });
    expect(taken.status).toBe(free.status);
    expect(await taken.text()).toBe(await free.text());

    const token = await waitForChangeToken(other.email);
    await expectProblem(
      await call('/api/profile/email/confirm', { json: { token } }),
      409,
      'EMAIL_TAKEN',
    );
    const db = sql();
    const [row] = await db`select email from users where id = ${owner.id}`;
    const [tokenRow] = await db`
      select used_at from auth_tokens where user_id = ${owner.id} and new_email = ${other.email}`;
    await db.end();
    expect(row?.email).toBe(owner.email);
    expect(tokenRow?.used_at).toBeNull();
  });

  it('refuses an address registered by someone else between request and confirmation', async () => {
    const user = await registerUser();
    const newEmail = uniqueEmail('race');
    expect(
      (await call('/api/profile/email', { token: user.accessToken, json: { newEmail } })).status,
    ).toBe(202);
    const token = await waitForChangeToken(newEmail);
    await registerUser({ email: newEmail });
    await expectProblem(
      await call('/api/profile/email/confirm', { json: { token } }),
      409,
      'EMAIL_TAKEN',
    );
    const profile = await json<{ email: string }>(
      await call('/api/profile', { token: user.accessToken }),
    );
    expect(profile.email).toBe(user.email);
  });

  it('keeps only the newest link alive and retires links mailed to the old address', async () => {
    const user = await registerUser();
    const firstEmail = uniqueEmail('first');
    const secondEmail = uniqueEmail('second');
    await call('/api/profile/email', { token: user.accessToken, json: { newEmail: firstEmail } });
    const firstToken = await waitForChangeToken(firstEmail);
    await call('/api/profile/email', { token: user.accessToken, json: { newEmail: secondEmail } });
    const secondToken = await waitForChangeToken(secondEmail);

    await expectProblem(
      await call('/api/profile/email/confirm', { json: { token: firstToken } }),
      400,
      'TOKEN_INVALID',
    );
    const db = sql();
    await db`insert into auth_tokens (user_id, purpose, token_hash, expires_at)
             values (${user.id}, 'reset_password', ${`test-${crypto.randomUUID()}`}, now() + interval '1 hour')`;
    const ok = await call('/api/profile/email/confirm', { json: { token: secondToken } });
    expect(ok.status).toBe(200);
    const live =
      await db`select purpose from auth_tokens where user_id = ${user.id} and used_at is null`;
    await db.end();
    expect(live).toHaveLength(0);
  });

  it('never serves another user’s avatar, whatever the parameters', async () => {
    const alice = await registerUser();
    const bob = await registerUser();
    const image = png(20, 20);
    expect((await putAvatar(alice, image, 'image/png')).status).toBe(200);
    const db = sql();
    const [row] = await db`select avatar_key from users where id = ${alice.id}`;
    const aliceKey = String(row?.avatar_key);
    const aliceId = aliceKey.slice(aliceKey.lastIndexOf('/') + 1).split('.')[0] ?? '';

    const attempts = [
      `/api/profile/avatar?v=${aliceId}`,
      `/api/profile/avatar?key=${encodeURIComponent(aliceKey)}`,
      `/api/profile/avatar?userId=${alice.id}&id=${alice.id}`,
      `/api/profile/avatar/${encodeURIComponent(aliceKey)}`,
      `/api/profile/avatar/${alice.id}`,
      `/api/users/${alice.id}/avatar`,
    ];
    for (const path of attempts) {
      const res = await call(path, { token: bob.accessToken });
      expect(res.status, path).toBe(404);
      const body = Buffer.from(await res.arrayBuffer());
      expect(body.includes(image.subarray(0, 64)), path).toBe(false);
    }

    // Even a row pointing at someone else's object (a bug, a bad migration) is not followed.
    await db`update users set avatar_key = ${aliceKey} where id = ${bob.id}`;
    const planted = await call('/api/profile/avatar', { token: bob.accessToken });
    expect(planted.status).toBe(404);
    await planted.body?.cancel();
    // Deleting through the planted row leaves Alice's image in place.
    await call('/api/profile/avatar', { method: 'DELETE', token: bob.accessToken });
    await db.end();
    const still = await call('/api/profile/avatar', { token: alice.accessToken });
    expect(still.status).toBe(200);
    expect(Buffer.from(await still.arrayBuffer()).equals(image)).toBe(true);
  });

  it('serves the avatar so that a browser can only show it as an image', async () => {
    const user = await registerUser();
    await putAvatar(user, png(16, 16), 'image/png');
    const res = await call('/api/profile/avatar', { token: user.accessToken });
    expect(res.status).toBe(200);
    await res.body?.cancel();
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toMatch(/sandbox/);
    expect(res.headers.get('cache-control')).toMatch(/private/);
  });

  it('shows only the caller’s events, and never secrets in their metadata', async () => {
    const alice = await registerUser();
    const bob = await registerUser();
    const db = sql();
    await db`insert into audit_log (user_id, action, metadata) values (${alice.id}, 'test.event',
      ${db.json({ provider: 'openai', token: 'tok-secret', apiKey: 'sk-secret', totpSecret: 'x', ok: true })})`;
    await db.end();
    const aliceText = await (
      await call('/api/profile/activity', { token: alice.accessToken })
    ).text();
    expect(aliceText).toContain('test.event');
    expect(aliceText).toContain('"provider":"openai"');
    expect(aliceText).not.toMatch(/tok-secret|sk-secret|totpSecret|"token"/);
    const bobPage = await json<{ items: Array<{ action: string }> }>(
      await call('/api/profile/activity', { token: bob.accessToken }),
    );
    expect(bobPage.items.map((item) => item.action)).toEqual(['account.created']);
  });
});
