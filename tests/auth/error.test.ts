import { describe, expect, it } from 'vitest';
import {
  call,
  expectProblem,
  PASSWORD,
  randomIp,
  registerUser,
  sql,
  uniqueEmail,
} from '../helpers/api';

describe('accounts: bad input', () => {
  it('rejects a duplicate e-mail, whatever its case, and keeps one row', async () => {
    const user = await registerUser();
    const res = await call('/api/auth/register', {
      json: { email: user.email.toUpperCase(), password: PASSWORD, name: 'Copy' },
    });
    const problem = await expectProblem(res, 409, 'EMAIL_TAKEN');
    expect(problem.errors).toEqual([{ path: 'body.email', message: 'Already registered' }]);
    const db = sql();
    const [count] = await db`select count(*)::int as n from users where email = ${user.email}`;
    const [sessions] =
      await db`select count(*)::int as n from sessions s join users u on u.id = s.user_id where u.email = ${user.email}`;
    await db.end();
    expect(count?.n).toBe(1);
    expect(sessions?.n).toBe(1);
  });

  it.each([
    ['missing fields', {}, ['body.email', 'body.password', 'body.name']],
    [
      'wrong types',
      { email: 42, password: true, name: ['x'] },
      ['body.email', 'body.password', 'body.name'],
    ],
    ['bad e-mail', { email: 'not-an-email', password: PASSWORD, name: 'A' }, ['body.email']],
    ['short password', { email: uniqueEmail(), password: 'short', name: 'A' }, ['body.password']],
    [
      'over-long name',
      { email: uniqueEmail(), password: PASSWORD, name: 'x'.repeat(101) },
      ['body.name'],
    ],
    [
      'over-long password',
      { email: uniqueEmail(), password: 'x'.repeat(257), name: 'A' },
      ['body.password'],
    ],
    [
      'unknown field',
      { email: uniqueEmail(), password: PASSWORD, name: 'A', role: 'admin' },
      ['body'],
    ],
  ])('registration with %s is a 400 naming the fields', async (_label, json, paths) => {
    const res = await call('/api/auth/register', { json });
    const problem = await expectProblem(res, 400, 'VALIDATION_FAILED');
    const got = (problem.errors ?? []).map((e) => e.path);
    for (const path of paths) expect(got).toContain(path);
  });

  it('answers malformed JSON with 400 INVALID_JSON', async () => {
    const res = await call('/api/auth/register', {
      body: '{"email": "a@b.c", ',
      headers: { 'Content-Type': 'application/json' },
    });
    await expectProblem(res, 400, 'INVALID_JSON');
  });

  it('answers a non-JSON body with 415', async () => {
    const res = await call('/api/auth/login', {
      body: 'email=a@b.c&password=x',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    await expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers an oversized body with 413 and creates nothing', async () => {
    const email = uniqueEmail();
    const res = await call('/api/auth/register', {
      json: { email, password: PASSWORD, name: 'x'.repeat(2 * 1024 * 1024) },
    });
    await expectProblem(res, 413, 'PAYLOAD_TOO_LARGE');
    const db = sql();
    const rows = await db`select 1 from users where email = ${email}`;
    await db.end();
    expect(rows).toHaveLength(0);
  });

  it('gives the same 401 for a wrong password and an unknown address', async () => {
    const user = await registerUser();
    const wrong = await call('/api/auth/login', {
      json: { email: user.email, password: 'not-the-password' },
    });
    const unknown = await call('/api/auth/login', {
      json: { email: uniqueEmail('ghost'), password: 'not-the-password' },
    });
    const a = await expectProblem(wrong, 401, 'INVALID_CREDENTIALS');
    const b = await expectProblem(unknown, 401, 'INVALID_CREDENTIALS');
    expect({ ...a, requestId: '' }).toEqual({ ...b, requestId: '' });
    expect(wrong.headers.getSetCookie()).toEqual([]);
  });

  it('limits sign-in attempts per account with 429 and Retry-After', async () => {
    const user = await registerUser();
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 11; i++) {
      last = await call('/api/auth/login', {
        json: { email: user.email, password: 'wrong-password!' },
        ip: randomIp(),
      });
      statuses.push(last.status);
      if (i < 10) await last.body?.cancel();
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    if (!last) throw new Error('no response');
    await expectProblem(last, 429, 'RATE_LIMITED');
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
    // The right password is refused too while the account is throttled.
    const locked = await call('/api/auth/login', {
      json: { email: user.email, password: PASSWORD },
    });
    expect(locked.status).toBe(429);
  });

  it('limits registrations per IP', async () => {
    const ip = randomIp();
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const res = await call('/api/auth/register', { json: { email: 'not-valid' }, ip });
      statuses.push(res.status);
      await res.body?.cancel();
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(400));
    expect(statuses[10]).toBe(429);
  });

  it('refuses refresh without a cookie and with an unknown one', async () => {
    await expectProblem(await call('/api/auth/refresh', { method: 'POST' }), 401, 'UNAUTHORIZED');
    await expectProblem(
      await call('/api/auth/refresh', { method: 'POST', cookie: 'webox_rt=forged-token-value' }),
      401,
      'UNAUTHORIZED',
    );
  });
});
