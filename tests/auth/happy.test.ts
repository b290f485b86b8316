import { describe, expect, it } from 'vitest';
import {
  call,
  json,
  PASSWORD,
  refreshCookie,
  registerUser,
  type SessionBody,
  sql,
  type UserBody,
  uniqueEmail,
} from '../helpers/api';

describe('accounts: happy paths', () => {
  it('registers, returns the user and a session, and stores a normalised e-mail', async () => {
    const email = uniqueEmail('Mixed.Case');
    const res = await call('/api/auth/register', {
      json: { email: `  ${email.toUpperCase()}  `, password: PASSWORD, name: '  Élodie Durand ' },
    });
    expect(res.status).toBe(201);
    const body = await json<SessionBody>(res);
    expect(body.user).toMatchObject({
      email: email.toLowerCase(),
      name: 'Élodie Durand',
      role: 'user',
      plan: 'free',
    });
    expect(body.user).not.toHaveProperty('passwordHash');
    expect(body.tokenType).toBe('Bearer');
    expect(body.expiresIn).toBe(900);
    expect(body.accessToken.split('.')).toHaveLength(3);

    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('webox_rt='));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Secure/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\/api\/auth/i);

    const db = sql();
    const [row] = await db`select password_hash from users where email = ${email.toLowerCase()}`;
    await db.end();
    expect(row?.password_hash).toMatch(/^\$scrypt\$ln=15,r=8,p=3\$/);
  });

  it('signs in, reads /api/me, rotates the refresh token and signs out', async () => {
    const user = await registerUser({ name: 'Alice' });
    const login = await call('/api/auth/login', {
      json: { email: user.email.toUpperCase(), password: PASSWORD },
    });
    expect(login.status).toBe(200);
    const session = await json<SessionBody>(login);
    const cookie = refreshCookie(login);

    const me = await call('/api/me', { token: session.accessToken });
    expect(me.status).toBe(200);
    expect((await json<{ user: UserBody }>(me)).user).toMatchObject({
      id: user.id,
      name: 'Alice',
      email: user.email,
    });

    const refreshed = await call('/api/auth/refresh', { method: 'POST', cookie });
    expect(refreshed.status).toBe(200);
    const next = await json<SessionBody>(refreshed);
    const nextCookie = refreshCookie(refreshed);
    expect(nextCookie).not.toBe(cookie);
    expect((await call('/api/me', { token: next.accessToken })).status).toBe(200);

    const out = await call('/api/auth/logout', { method: 'POST', cookie: nextCookie });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie().join()).toMatch(/webox_rt=;/);
    const after = await call('/api/auth/refresh', { method: 'POST', cookie: nextCookie });
    expect(after.status).toBe(401);
    // The access token of the ended session stops working at once, not in 15 minutes.
    expect((await call('/api/me', { token: next.accessToken })).status).toBe(401);
    expect((await call('/api/me', { token: session.accessToken })).status).toBe(401);
  });

  it('records sign-ins and account creation in the audit log', async () => {
    const user = await registerUser();
    await call('/api/auth/login', { json: { email: user.email, password: PASSWORD } });
    await call('/api/auth/login', { json: { email: user.email, password: 'wrong-password!' } });
    const db = sql();
    const rows =
      await db`select action from audit_log where user_id = ${user.id} order by created_at`;
    await db.end();
    expect(rows.map((r) => r.action)).toEqual([
      'account.created',
      'login.succeeded',
      'login.failed',
    ]);
  });

  it('lets the seeded demo account sign in', async () => {
    const res = await call('/api/auth/login', {
      json: { email: 'demo@webox.local', password: 'webox-demo-2026' },
    });
    expect(res.status).toBe(200);
    expect((await json<SessionBody>(res)).user.role).toBe('user');
  });
});

describe('accounts: new devices', () => {
  it('records a sign-in from a browser the account has never used', async () => {
    const user = await registerUser();
    const from = (ua: string) =>
      call('/api/auth/login', {
        json: { email: user.email, password: PASSWORD },
        headers: { 'User-Agent': ua },
      });
    expect((await from('Mozilla/5.0 (X11; Linux x86_64) Chrome/150.0')).status).toBe(200);
    expect((await from('Mozilla/5.0 (X11; Linux x86_64) Chrome/150.0')).status).toBe(200);
    expect((await from('Mozilla/5.0 (iPhone; CPU iPhone OS 19_0) Safari/605.1')).status).toBe(200);
    const db = sql();
    const rows =
      await db`select user_agent from audit_log where user_id = ${user.id} and action = 'login.new_device' order by created_at`;
    await db.end();
    // The sign-up's own client is the first device; Linux Chrome and the iPhone are new, once each.
    expect(rows.map((r) => r.user_agent)).toEqual([
      'Mozilla/5.0 (X11; Linux x86_64) Chrome/150.0',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 19_0) Safari/605.1',
    ]);
  });
});
