import { describe, expect, it } from 'vitest';
import { query, signIn, waitForMail } from '../helpers/accounts';
import { call, expectProblem, json, PASSWORD, randomIp, registerUser } from '../helpers/api';

interface SessionItem {
  id: string;
  device: string;
  userAgent: string | null;
  location: string | null;
  ip: string | null;
  method: string;
  createdAt: string;
  lastUsedAt: string;
  current: boolean;
}

const CHROME_LINUX =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const SAFARI_IOS =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';

async function listSessions(token: string): Promise<SessionItem[]> {
  const res = await call('/api/auth/sessions', { token });
  expect(res.status).toBe(200);
  return (await json<{ items: SessionItem[] }>(res)).items;
}

/** Moves the family's last proof of identity back, past the 10-minute window. */
async function ageAuthentication(userId: string): Promise<void> {
  await query(
    (db) =>
      db`update sessions set authenticated_at = now() - interval '20 minutes' where user_id = ${userId}`,
  );
}

describe('sessions', () => {
  it('lists one entry per device, marks the current one and names the device', async () => {
    const user = await registerUser();
    const ip = randomIp();
    const phone = await signIn(user.email, PASSWORD, { ip, userAgent: SAFARI_IOS });
    const laptop = await signIn(user.email, PASSWORD, { userAgent: CHROME_LINUX });
    // A rotation stays in the same family: still one entry for the phone.
    const rotated = await call('/api/auth/refresh', {
      method: 'POST',
      cookie: phone.cookie,
      ip,
      headers: { 'User-Agent': SAFARI_IOS },
    });
    expect(rotated.status).toBe(200);
    await rotated.body?.cancel();

    const items = await listSessions(laptop.accessToken);
    expect(items).toHaveLength(3);
    expect(items[0]).toMatchObject({
      current: true,
      device: 'Chrome on Linux',
      method: 'password',
    });
    expect(items.filter((s) => s.current)).toHaveLength(1);
    const phoneItem = items.find((s) => s.device === 'Safari on iOS');
    expect(phoneItem).toMatchObject({ ip, userAgent: SAFARI_IOS, current: false });
    expect(Date.parse(phoneItem?.lastUsedAt ?? '')).toBeGreaterThanOrEqual(
      Date.parse(phoneItem?.createdAt ?? ''),
    );
    expect(new Set(items.map((s) => s.id)).size).toBe(3);
    // From the phone, the phone is the current one.
    const fromPhone = await listSessions(phone.accessToken);
    expect(fromPhone.find((s) => s.current)?.id).toBe(phoneItem?.id);
  });

  it('signs one device out at once, and only your own', async () => {
    const user = await registerUser();
    const other = await registerUser();
    const second = await signIn(user.email, PASSWORD);
    const items = await listSessions(user.accessToken);
    const target = items.find((s) => !s.current);
    if (!target) throw new Error('no second session');

    // Someone else's session id, an unknown one and a malformed one change nothing.
    await expectProblem(
      await call(`/api/auth/sessions/${target.id}`, { method: 'DELETE', token: other.accessToken }),
      404,
      'NOT_FOUND',
    );
    await expectProblem(
      await call(`/api/auth/sessions/${crypto.randomUUID()}`, {
        method: 'DELETE',
        token: user.accessToken,
      }),
      404,
      'NOT_FOUND',
    );
    await expectProblem(
      await call('/api/auth/sessions/not-a-uuid', { method: 'DELETE', token: user.accessToken }),
      400,
      'VALIDATION_FAILED',
    );
    expect((await call('/api/me', { token: second.accessToken })).status).toBe(200);

    const res = await call(`/api/auth/sessions/${target.id}`, {
      method: 'DELETE',
      token: user.accessToken,
    });
    expect(res.status).toBe(204);
    await expectProblem(await call('/api/me', { token: second.accessToken }), 401, 'UNAUTHORIZED');
    const refreshed = await call('/api/auth/refresh', { method: 'POST', cookie: second.cookie });
    expect(refreshed.status).toBe(401);
    await refreshed.body?.cancel();
    expect((await listSessions(user.accessToken)).map((s) => s.id)).not.toContain(target.id);
    expect((await call('/api/me', { token: user.accessToken })).status).toBe(200);
    await expectProblem(
      await call(`/api/auth/sessions/${target.id}`, { method: 'DELETE', token: user.accessToken }),
      404,
      'NOT_FOUND',
    );
    const audit = await query(
      (db) =>
        db`select metadata from audit_log where user_id = ${user.id} and action = 'session.revoked'`,
    );
    expect(audit).toEqual([{ metadata: { familyId: target.id } }]);
  });

  it('signs out every other device and keeps this one', async () => {
    const user = await registerUser();
    const a = await signIn(user.email, PASSWORD);
    const b = await signIn(user.email, PASSWORD);
    const res = await call('/api/auth/sessions/revoke-others', {
      method: 'POST',
      token: user.accessToken,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ revoked: 2 });
    for (const token of [a.accessToken, b.accessToken]) {
      expect((await call('/api/me', { token })).status).toBe(401);
    }
    const left = await listSessions(user.accessToken);
    expect(left).toHaveLength(1);
    expect(left[0]?.current).toBe(true);
  });

  it('needs a bearer token on every session route', async () => {
    for (const [method, path] of [
      ['GET', '/api/auth/sessions'],
      ['DELETE', `/api/auth/sessions/${crypto.randomUUID()}`],
      ['POST', '/api/auth/sessions/revoke-others'],
      ['POST', '/api/auth/reauthenticate'],
      ['POST', '/api/auth/change-password'],
    ] as const) {
      await expectProblem(await call(path, { method }), 401, 'UNAUTHORIZED');
    }
  });
});

describe('re-authentication and password change', () => {
  it('asks for a recent sign-in, accepts it after re-authenticating, and changes the password', async () => {
    const user = await registerUser();
    const other = await signIn(user.email, PASSWORD);
    await ageAuthentication(user.id);
    const body = {
      currentPassword: PASSWORD,
      newPassword: 'my-new-long-password',
      signOutOtherSessions: true,
    };
    await expectProblem(
      await call('/api/auth/change-password', { json: body, token: user.accessToken }),
      403,
      'REAUTH_REQUIRED',
    );

    const wrong = await call('/api/auth/reauthenticate', {
      json: { password: 'not-my-password' },
      token: user.accessToken,
    });
    await expectProblem(wrong, 401, 'INVALID_CREDENTIALS');
    const reauth = await call('/api/auth/reauthenticate', {
      json: { password: PASSWORD },
      token: user.accessToken,
    });
    expect(reauth.status).toBe(200);
    expect(await reauth.json()).toMatchObject({ validForSeconds: 600 });

    const changed = await call('/api/auth/change-password', {
      json: body,
      token: user.accessToken,
    });
    expect(changed.status, await changed.clone().text()).toBe(200);
    expect(await changed.json()).toEqual({ otherSessionsRevoked: 1 });
    // This session stays; the other device is out at once.
    expect((await call('/api/me', { token: user.accessToken })).status).toBe(200);
    expect((await call('/api/me', { token: other.accessToken })).status).toBe(401);
    await expectProblem(
      await call('/api/auth/login', { json: { email: user.email, password: PASSWORD } }),
      401,
      'INVALID_CREDENTIALS',
    );
    await signIn(user.email, body.newPassword);
    const actions = await query(
      (db) =>
        db`select action from audit_log where user_id = ${user.id} and action in ('reauth.failed', 'reauth.succeeded', 'password.changed') order by created_at`,
    );
    expect(actions.map((a) => a.action)).toEqual([
      'reauth.failed',
      'reauth.succeeded',
      'password.changed',
    ]);
    await waitForMail(user.email, /a été modifié/);
  });

  it('keeps other sessions when asked to, refuses a wrong current password and the same password', async () => {
    const user = await registerUser();
    const other = await signIn(user.email, PASSWORD);
    const wrong = await call('/api/auth/change-password', {
      json: {
        currentPassword: 'not-my-password',
        newPassword: 'another-long-password',
        signOutOtherSessions: false,
      },
      token: user.accessToken,
    });
    await expectProblem(wrong, 401, 'INVALID_CREDENTIALS');
    const same = await call('/api/auth/change-password', {
      json: { currentPassword: PASSWORD, newPassword: PASSWORD, signOutOtherSessions: false },
      token: user.accessToken,
    });
    const problem = await expectProblem(same, 400, 'VALIDATION_FAILED');
    expect(problem.errors?.[0]?.path).toBe('body.newPassword');
    await expectProblem(
      await call('/api/auth/change-password', {
        json: { currentPassword: PASSWORD, newPassword: 'short' },
        token: user.accessToken,
      }),
      400,
      'VALIDATION_FAILED',
    );
    // Nothing changed so far.
    await signIn(user.email, PASSWORD);

    const ok = await call('/api/auth/change-password', {
      json: {
        currentPassword: PASSWORD,
        newPassword: 'another-long-password',
        signOutOtherSessions: false,
      },
      token: user.accessToken,
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ otherSessionsRevoked: 0 });
    expect((await call('/api/me', { token: other.accessToken })).status).toBe(200);
  });

  it('limits re-authentication per account, and wrong passwords count as failed sign-ins', async () => {
    const user = await registerUser();
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 11; i++) {
      last = await call('/api/auth/reauthenticate', {
        json: { password: 'wrong-password!' },
        token: user.accessToken,
        ip: randomIp(),
      });
      statuses.push(last.status);
      if (i < 10) await last.body?.cancel();
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    if (!last) throw new Error('no response');
    await expectProblem(last, 429, 'RATE_LIMITED');
    // The sign-in form for this account is throttled by the same failures.
    const login = await call('/api/auth/login', {
      json: { email: user.email, password: PASSWORD },
    });
    expect(login.status).toBe(429);
    await login.body?.cancel();
    // The session itself is not harmed.
    expect((await call('/api/me', { token: user.accessToken })).status).toBe(200);
  });

  it('refuses re-authentication for a session that has ended', async () => {
    const user = await registerUser();
    const out = await call('/api/auth/logout', { method: 'POST', cookie: user.cookie });
    expect(out.status).toBe(204);
    await expectProblem(
      await call('/api/auth/reauthenticate', {
        json: { password: PASSWORD },
        token: user.accessToken,
      }),
      401,
      'UNAUTHORIZED',
    );
  });
});
