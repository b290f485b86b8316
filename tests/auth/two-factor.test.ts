import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  call,
  expectProblem,
  json,
  registerUser,
  type SessionBody,
  sql,
  type TestUser,
} from '../helpers/api';
import { connectTestRedis } from '../helpers/redis';
import { expectSignedIn } from '../helpers/sessions';
import { awaitFreshStep, enrolTotp, passwordStep, totpCode } from '../helpers/two-factor';

interface Status {
  enabled: boolean;
  enabledAt: string | null;
  recoveryCodesLeft: number;
}

async function status(user: TestUser): Promise<Status> {
  const res = await call('/api/auth/2fa', { token: user.accessToken });
  expect(res.status).toBe(200);
  return json<Status>(res);
}

function secondStep(challengeToken: string, factor: { code?: string; recoveryCode?: string }) {
  return call('/api/auth/login/2fa', { json: { challengeToken, ...factor } });
}

async function sessionCount(userId: string): Promise<number> {
  const db = sql();
  const [row] = await db`select count(*)::int as n from sessions where user_id = ${userId}`;
  await db.end();
  return row?.n ?? 0;
}

describe('two-factor: enrolment and sign-in', () => {
  it('enrols with a code from the returned secret, stores it sealed and hashes recovery codes', async () => {
    const user = await registerUser();
    expect(await status(user)).toEqual({ enabled: false, enabledAt: null, recoveryCodesLeft: 0 });

    const { secret, otpauthUri, recoveryCodes } = await enrolTotp(user);
    const uri = new URL(otpauthUri);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe(`/WeBox:${user.email}`);
    expect(uri.searchParams.get('issuer')).toBe('WeBox');
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(uri.searchParams.get('digits')).toBe('6');
    expect(uri.searchParams.get('period')).toBe('30');
    expect(uri.searchParams.get('algorithm')).toBe('SHA1');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);

    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const code of recoveryCodes) expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);

    const now = await status(user);
    expect(now.enabled).toBe(true);
    expect(now.recoveryCodesLeft).toBe(10);

    const db = sql();
    const [row] =
      await db`select totp_secret_sealed, totp_enabled_at, totp_last_step from users where id = ${user.id}`;
    const hashes = await db`select code_hash from recovery_codes where user_id = ${user.id}`;
    const audit =
      await db`select action from audit_log where user_id = ${user.id} and action = 'totp.enabled'`;
    await db.end();
    expect(row?.totp_secret_sealed).toMatch(/^v1\./);
    expect(row?.totp_secret_sealed).not.toContain(secret);
    expect(row?.totp_enabled_at).not.toBeNull();
    expect(Number(row?.totp_last_step)).toBe(Math.floor(Date.now() / 30_000) - 1);
    expect(hashes).toHaveLength(10);
    for (const { code_hash } of hashes) {
      expect(code_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(recoveryCodes.join()).not.toContain(code_hash);
    }
    expect(audit).toHaveLength(1);
  });

  it('asks for the second step after the password and signs in with the current code', async () => {
    const user = await registerUser();
    const { secret } = await enrolTotp(user);
    const before = await sessionCount(user.id);

    const login = await call('/api/auth/login', {
      json: { email: user.email, password: user.password },
    });
    expect(login.status).toBe(200);
    const challenge = await json<Record<string, unknown>>(login);
    expect(challenge).toEqual({
      twoFactorRequired: true,
      challengeToken: expect.any(String),
      methods: ['totp', 'recovery'],
    });
    // The password alone gives nothing: no token, no cookie, no session.
    expect(login.headers.getSetCookie()).toEqual([]);
    expect(await sessionCount(user.id)).toBe(before);

    const res = await secondStep(String(challenge.challengeToken), { code: totpCode(secret) });
    await expectSignedIn(res, user.id);

    const db = sql();
    const [row] =
      await db`select method from sessions where user_id = ${user.id} order by created_at desc limit 1`;
    await db.end();
    expect(row?.method).toBe('password+totp');
  });

  it('accepts each recovery code once and counts what is left', async () => {
    const user = await registerUser();
    const { recoveryCodes } = await enrolTotp(user);
    const [first = '', second = ''] = recoveryCodes;

    const ok = await secondStep(await passwordStep(user), {
      recoveryCode: first.toUpperCase().replace('-', ' '),
    });
    expect(ok.status, await ok.clone().text()).toBe(200);
    const again = await secondStep(await passwordStep(user), { recoveryCode: first });
    await expectProblem(again, 401, 'INVALID_CODE');
    expect((await status(user)).recoveryCodesLeft).toBe(9);

    // Another account's code is worth nothing here, and this one's nothing there.
    const other = await registerUser();
    const otherCodes = await enrolTotp(other);
    const foreign = await secondStep(await passwordStep(user), {
      recoveryCode: otherCodes.recoveryCodes[0],
    });
    await expectProblem(foreign, 401, 'INVALID_CODE');
    const ok2 = await secondStep(await passwordStep(user), { recoveryCode: second });
    expect(ok2.status).toBe(200);

    const db = sql();
    const [row] =
      await db`select method from sessions where user_id = ${user.id} order by created_at desc limit 1`;
    const used =
      await db`select 1 from recovery_codes where user_id = ${user.id} and used_at is not null`;
    await db.end();
    expect(row?.method).toBe('password+recovery');
    expect(used).toHaveLength(2);
  });

  it('replaces the recovery codes: the old ones stop working', async () => {
    const user = await registerUser();
    const { secret, recoveryCodes } = await enrolTotp(user);
    const res = await call('/api/auth/2fa/recovery-codes', {
      json: { code: totpCode(secret) },
      token: user.accessToken,
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const fresh = (await json<{ recoveryCodes: string[] }>(res)).recoveryCodes;
    expect(fresh).toHaveLength(10);
    expect(fresh.some((code) => recoveryCodes.includes(code))).toBe(false);

    const stale = await secondStep(await passwordStep(user), { recoveryCode: recoveryCodes[0] });
    await expectProblem(stale, 401, 'INVALID_CODE');
    const ok = await secondStep(await passwordStep(user), { recoveryCode: fresh[0] });
    expect(ok.status).toBe(200);
  });

  it('turns 2FA off only with the password and a current code', async () => {
    const user = await registerUser();
    const { secret } = await enrolTotp(user);
    const disable = (body: unknown) =>
      call('/api/auth/2fa/totp/disable', { json: body, token: user.accessToken });

    await expectProblem(await disable({ password: user.password }), 400, 'VALIDATION_FAILED');
    await expectProblem(await disable({ code: totpCode(secret) }), 400, 'VALIDATION_FAILED');
    await expectProblem(
      await disable({ password: 'not the password', code: totpCode(secret) }),
      403,
      'CONFIRMATION_FAILED',
    );
    const wrong = totpCode(secret) === '000000' ? '000001' : '000000';
    await expectProblem(
      await disable({ password: user.password, code: wrong }),
      403,
      'CONFIRMATION_FAILED',
    );
    expect((await status(user)).enabled).toBe(true);

    const res = await disable({ password: user.password, code: totpCode(secret) });
    expect(res.status, await res.clone().text()).toBe(204);
    expect(await status(user)).toEqual({ enabled: false, enabledAt: null, recoveryCodesLeft: 0 });

    const login = await call('/api/auth/login', {
      json: { email: user.email, password: user.password },
    });
    expect(login.status).toBe(200);
    expect(await json<SessionBody>(login)).toHaveProperty('accessToken');

    const db = sql();
    const [row] =
      await db`select totp_secret_sealed, totp_last_step from users where id = ${user.id}`;
    const codes = await db`select 1 from recovery_codes where user_id = ${user.id}`;
    const audit = await db`select action from audit_log where user_id = ${user.id}
      and action in ('totp.disabled', 'totp.disable_failed') order by created_at`;
    await db.end();
    expect(row).toEqual({ totp_secret_sealed: null, totp_last_step: null });
    expect(codes).toHaveLength(0);
    expect(audit.map((a) => a.action)).toEqual([
      'totp.disable_failed',
      'totp.disable_failed',
      'totp.disabled',
    ]);
  });
  it('re-authenticates a 2FA account only with the password and a current code', async () => {
    const user = await registerUser();
    const { secret, recoveryCodes } = await enrolTotp(user);
    const db = sql();
    await db`update sessions set authenticated_at = now() - interval '1 hour' where user_id = ${user.id}`;
    await db.end();
    const reauth = (body: unknown) =>
      call('/api/auth/reauthenticate', { json: body, token: user.accessToken });
    const setup = () =>
      call('/api/auth/2fa/recovery-codes', {
        json: { code: totpCode(secret, 1) },
        token: user.accessToken,
      });

    await expectProblem(await reauth({ password: user.password }), 400, 'VALIDATION_FAILED');
    const wrong = totpCode(secret) === '000000' ? '000001' : '000000';
    await expectProblem(
      await reauth({ password: user.password, code: wrong }),
      401,
      'INVALID_CODE',
    );
    await expectProblem(
      await reauth({ password: 'not the password', code: totpCode(secret) }),
      401,
      'INVALID_CREDENTIALS',
    );
    await expectProblem(await setup(), 403, 'REAUTH_REQUIRED');

    const ok = await reauth({ password: user.password, code: totpCode(secret) });
    expect(ok.status, await ok.clone().text()).toBe(200);
    const renewed = await setup();
    expect(renewed.status).toBe(200);
    const fresh = (await json<{ recoveryCodes: string[] }>(renewed)).recoveryCodes;
    // A recovery code works too; one from before the renewal does not.
    await expectProblem(
      await reauth({ password: user.password, recoveryCode: recoveryCodes[0] }),
      401,
      'INVALID_CODE',
    );
    const byRecovery = await reauth({ password: user.password, recoveryCode: fresh[0] });
    expect(byRecovery.status).toBe(200);
  });
});

describe('two-factor: refusals', () => {
  it('accepts a code once: the same code twice is refused, also when sent at the same time', async () => {
    const user = await registerUser();
    const { secret } = await enrolTotp(user);
    const code = totpCode(secret);
    const first = await secondStep(await passwordStep(user), { code });
    expect(first.status).toBe(200);
    await expectProblem(await secondStep(await passwordStep(user), { code }), 401, 'INVALID_CODE');

    // Two challenges racing with the next step's code: exactly one wins.
    const next = totpCode(secret, 1);
    const [a, b] = [await passwordStep(user), await passwordStep(user)];
    const results = await Promise.all([
      secondStep(a, { code: next }),
      secondStep(b, { code: next }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it('accepts one step either side of now, not two, and never a step below the last one', async () => {
    const user = await registerUser();
    const { secret } = await enrolTotp(user); // used step -1
    await awaitFreshStep();
    for (const offset of [-2, 2, 3]) {
      await expectProblem(
        await secondStep(await passwordStep(user), { code: totpCode(secret, offset) }),
        401,
        'INVALID_CODE',
      );
    }
    const ahead = await secondStep(await passwordStep(user), { code: totpCode(secret, 1) });
    expect(ahead.status).toBe(200);
    // Step 0 is inside the window but below the step just accepted.
    await expectProblem(
      await secondStep(await passwordStep(user), { code: totpCode(secret) }),
      401,
      'INVALID_CODE',
    );
  });

  it('burns a challenge after five wrong codes; a right code is then refused too', async () => {
    const user = await registerUser();
    const { secret } = await enrolTotp(user);
    const token = await passwordStep(user);
    const right = totpCode(secret);
    const wrong = right === '123456' ? '654321' : '123456';
    for (let i = 0; i < 5; i++) {
      await expectProblem(await secondStep(token, { code: wrong }), 401, 'INVALID_CODE');
    }
    await expectProblem(await secondStep(token, { code: right }), 401, 'UNAUTHORIZED');
    expect(await sessionCount(user.id)).toBe(1); // the registration's only
    // The code itself was never spent: a new challenge takes it.
    expect((await secondStep(await passwordStep(user), { code: right })).status).toBe(200);
    const db = sql();
    const failed =
      await db`select 1 from audit_log where user_id = ${user.id} and action = 'login.2fa_failed'`;
    await db.end();
    expect(failed).toHaveLength(5);
  });

  it('refuses a forged, a reused and an expired challenge', async () => {
    const user = await registerUser();
    const { secret } = await enrolTotp(user);
    await expectProblem(
      await secondStep('forged-token-forged-token-forged-token', { code: totpCode(secret) }),
      401,
      'UNAUTHORIZED',
    );
    const token = await passwordStep(user);
    expect((await secondStep(token, { code: totpCode(secret) })).status).toBe(200);
    await expectProblem(
      await secondStep(token, { code: totpCode(secret, 1) }),
      401,
      'UNAUTHORIZED',
    );

    const redis = await connectTestRedis();
    if (!redis) return; // the stand-in keeps its store in memory: expiry is Redis's own job
    try {
      const expiring = await passwordStep(user);
      const key = `2fa:challenge:${createHash('sha256').update(expiring).digest('hex')}`;
      const ttl = await redis.ttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(300);
      expect(await redis.get(key)).toBe(user.id);
      await redis.del(key); // what the five minutes would do
      await expectProblem(
        await secondStep(expiring, { code: totpCode(secret, 1) }),
        401,
        'UNAUTHORIZED',
      );
    } finally {
      redis.disconnect();
    }
  });

  it('needs a code in the second step and refuses malformed bodies', async () => {
    const user = await registerUser();
    await enrolTotp(user);
    const token = await passwordStep(user);
    await expectProblem(await secondStep(token, {}), 400, 'VALIDATION_FAILED');
    await expectProblem(
      await secondStep(token, { code: '123456', recoveryCode: 'abcde-fghjk' }),
      400,
      'VALIDATION_FAILED',
    );
    await expectProblem(await secondStep(token, { code: '12345' }), 400, 'VALIDATION_FAILED');
    await expectProblem(
      await call('/api/auth/login/2fa', { json: { challengeToken: token, code: 123456 } }),
      400,
      'VALIDATION_FAILED',
    );
    await expectProblem(
      await call('/api/auth/login/2fa', {
        body: '{"challengeToken":',
        headers: { 'Content-Type': 'application/json' },
      }),
      400,
      'INVALID_JSON',
    );
    expect(await sessionCount(user.id)).toBe(1);
  });

  it('does not turn 2FA on with a wrong code, without set-up, or twice', async () => {
    const user = await registerUser();
    const enable = (code: string) =>
      call('/api/auth/2fa/totp/enable', { json: { code }, token: user.accessToken });
    await expectProblem(await enable('123456'), 409, 'CONFLICT');

    const setup = await call('/api/auth/2fa/totp/setup', {
      method: 'POST',
      token: user.accessToken,
    });
    const { secret } = await json<{ secret: string }>(setup);
    const right = totpCode(secret);
    await expectProblem(
      await enable(right === '111111' ? '222222' : '111111'),
      403,
      'CONFIRMATION_FAILED',
    );
    expect((await status(user)).enabled).toBe(false);
    expect((await enable(right)).status).toBe(200);
    await expectProblem(await enable(totpCode(secret, 1)), 409, 'CONFLICT');
    await expectProblem(
      await call('/api/auth/2fa/totp/setup', { method: 'POST', token: user.accessToken }),
      409,
      'CONFLICT',
    );
  });

  it('needs a recent sign-in to set up, turn off or renew codes, and a token everywhere', async () => {
    const user = await registerUser();
    const { secret } = await enrolTotp(user);
    const db = sql();
    await db`update sessions set authenticated_at = now() - interval '1 hour' where user_id = ${user.id}`;
    await db.end();
    await expectProblem(
      await call('/api/auth/2fa/totp/disable', {
        json: { password: user.password, code: totpCode(secret) },
        token: user.accessToken,
      }),
      403,
      'REAUTH_REQUIRED',
    );
    await expectProblem(
      await call('/api/auth/2fa/recovery-codes', {
        json: { code: totpCode(secret) },
        token: user.accessToken,
      }),
      403,
      'REAUTH_REQUIRED',
    );
    const fresh = await registerUser();
    const db2 = sql();
    await db2`update sessions set authenticated_at = now() - interval '1 hour' where user_id = ${fresh.id}`;
    await db2.end();
    await expectProblem(
      await call('/api/auth/2fa/totp/setup', { method: 'POST', token: fresh.accessToken }),
      403,
      'REAUTH_REQUIRED',
    );

    const routes: Array<[string, string]> = [
      ['GET', '/api/auth/2fa'],
      ['POST', '/api/auth/2fa/totp/setup'],
      ['POST', '/api/auth/2fa/totp/enable'],
      ['POST', '/api/auth/2fa/totp/disable'],
      ['POST', '/api/auth/2fa/recovery-codes'],
    ];
    for (const [method, path] of routes) {
      const res = await call(path, method === 'GET' ? { method } : { method, json: {} });
      await expectProblem(res, 401, 'UNAUTHORIZED');
    }
  });
});
