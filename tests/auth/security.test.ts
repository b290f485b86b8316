import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { baseUrl, call, expectProblem, refreshCookie, registerUser, sql } from '../helpers/api';

async function forge(
  claims: Record<string, unknown>,
  opts: {
    secret?: string;
    alg?: string;
    audience?: string;
    issuer?: string;
    exp?: string | number;
  } = {},
) {
  const secret = new TextEncoder().encode(opts.secret ?? 'x'.repeat(48));
  return new SignJWT(claims)
    .setProtectedHeader({ alg: opts.alg ?? 'HS256' })
    .setIssuer(opts.issuer ?? baseUrl())
    .setAudience(opts.audience ?? 'webox-api')
    .setIssuedAt()
    .setExpirationTime(opts.exp ?? '10m')
    .sign(secret);
}

describe('accounts: security', () => {
  it('refuses tokens with alg none, another algorithm, another key, audience or issuer, and expired ones', async () => {
    const user = await registerUser();
    const claims = { sub: user.id, role: 'admin', sid: crypto.randomUUID() };
    const unsigned = new UnsecuredJWT(claims)
      .setIssuer(baseUrl())
      .setAudience('webox-api')
      .setIssuedAt()
      .setExpirationTime('10m')
      .encode();
    const cases = [
      unsigned,
      await forge(claims, { alg: 'HS512', secret: 'y'.repeat(64) }),
      await forge(claims),
      await forge(claims, { audience: 'someone-else' }),
      await forge(claims, { issuer: 'https://evil.example' }),
      await forge(claims, { exp: Math.floor(Date.now() / 1000) - 60 }),
    ];
    for (const token of cases) {
      const res = await call('/api/me', { token });
      expect(res.status).toBe(401);
      await res.body?.cancel();
    }
    // A real token with its signature swapped for another's.
    const [h, p] = user.accessToken.split('.');
    const other = await registerUser();
    const sig = other.accessToken.split('.')[2];
    expect((await call('/api/me', { token: `${h}.${p}.${sig}` })).status).toBe(401);
  });

  it('revokes the whole session family when a rotated refresh token is reused', async () => {
    const user = await registerUser();
    const first = await call('/api/auth/refresh', { method: 'POST', cookie: user.cookie });
    expect(first.status).toBe(200);
    const second = refreshCookie(first);
    // Wait out the grace window that protects two tabs refreshing at once.
    const db = sql();
    await db`update sessions set rotated_at = now() - interval '1 minute' where rotated_at is not null and user_id = ${user.id}`;
    const replay = await call('/api/auth/refresh', { method: 'POST', cookie: user.cookie });
    expect(replay.status).toBe(401);
    // The legitimate newer token is dead too: the family was revoked.
    const after = await call('/api/auth/refresh', { method: 'POST', cookie: second });
    expect(after.status).toBe(401);
    const audit =
      await db`select action from audit_log where user_id = ${user.id} and action = 'refresh.reused'`;
    await db.end();
    expect(audit).toHaveLength(1);
  });

  it('lets two tabs refresh with the same token at once without signing out', async () => {
    const user = await registerUser();
    const [a, b] = await Promise.all([
      call('/api/auth/refresh', { method: 'POST', cookie: user.cookie }),
      call('/api/auth/refresh', { method: 'POST', cookie: user.cookie }),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
  });

  it('rejects cookie-authenticated writes from another site (CSRF)', async () => {
    const user = await registerUser();
    const cross = await call('/api/auth/refresh', {
      method: 'POST',
      cookie: user.cookie,
      headers: { Origin: 'https://evil.example' },
    });
    await expectProblem(cross, 403, 'CSRF_REJECTED');
    const crossSite = await call('/api/auth/logout', {
      method: 'POST',
      cookie: user.cookie,
      headers: { 'Sec-Fetch-Site': 'cross-site' },
    });
    await expectProblem(crossSite, 403, 'CSRF_REJECTED');
    // Nothing was revoked: the cookie still works from the site itself.
    const same = await call('/api/auth/refresh', {
      method: 'POST',
      cookie: user.cookie,
      headers: { Origin: baseUrl(), 'Sec-Fetch-Site': 'same-origin' },
    });
    expect(same.status).toBe(200);
  });

  it('never answers with a stack trace or the password hash', async () => {
    const user = await registerUser();
    const res = await call('/api/me', { token: user.accessToken });
    const text = await res.text();
    expect(text).not.toMatch(/scrypt|password/i);
  });
});
