import { describe, expect, it } from 'vitest';
import { mailsTo, query, signIn, tokenFromMail, waitForMail } from '../helpers/accounts';
import {
  call,
  expectProblem,
  PASSWORD,
  randomIp,
  registerUser,
  type TestUser,
  uniqueEmail,
} from '../helpers/api';

const RESET_SUBJECT = /^Réinitialisez votre mot de passe/;
const NEW_PASSWORD = 'a-brand-new-passphrase';

/** Asks for a reset link and returns its token, from the new mail in the outbox. */
async function resetToken(user: TestUser): Promise<string> {
  const resetMails = async () =>
    (await mailsTo(user.email))
      .filter((mail) => RESET_SUBJECT.test(mail.subject))
      .sort((a, b) => b.created_at.getTime() - a.created_at.getTime());
  const before = (await resetMails()).length;
  const res = await call('/api/auth/forgot-password', { json: { email: user.email } });
  expect(res.status).toBe(202);
  await expect.poll(async () => (await resetMails()).length, { timeout: 10_000 }).toBe(before + 1);
  const [newest] = await resetMails();
  if (!newest) throw new Error('no reset mail');
  return tokenFromMail(newest, 'reset');
}

describe('password reset', () => {
  it('answers the same for a known and an unknown address, and mails only the known one', async () => {
    const user = await registerUser();
    const ghost = uniqueEmail('ghost');
    const known = await call('/api/auth/forgot-password', { json: { email: user.email } });
    const unknown = await call('/api/auth/forgot-password', { json: { email: ghost } });
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    const [a, b] = [await known.text(), await unknown.text()];
    expect(a).toBe(b);
    expect(JSON.parse(a)).toMatchObject({ status: 'accepted' });
    expect(known.headers.get('content-type')).toBe(unknown.headers.get('content-type'));
    await waitForMail(user.email, RESET_SUBJECT);
    expect(await mailsTo(ghost)).toHaveLength(0);
  });

  it('sets the new password, signs out every session at once and mails a notice', async () => {
    const user = await registerUser();
    const other = await signIn(user.email, PASSWORD);
    const token = await resetToken(user);
    const [stored] = await query(
      (db) =>
        db`select expires_at from auth_tokens where user_id = ${user.id} and purpose = 'reset_password' and used_at is null`,
    );
    const minutes = (new Date(stored?.expires_at).getTime() - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(59);
    expect(minutes).toBeLessThanOrEqual(60);

    const res = await call('/api/auth/reset-password', {
      json: { token, password: NEW_PASSWORD },
    });
    expect(res.status, await res.clone().text()).toBe(204);

    // Every access token and refresh cookie of the account is dead now, not in 15 minutes.
    for (const accessToken of [user.accessToken, other.accessToken]) {
      await expectProblem(await call('/api/me', { token: accessToken }), 401, 'UNAUTHORIZED');
    }
    for (const cookie of [user.cookie, other.cookie]) {
      const refreshed = await call('/api/auth/refresh', { method: 'POST', cookie });
      expect(refreshed.status).toBe(401);
      await refreshed.body?.cancel();
    }
    await expectProblem(
      await call('/api/auth/login', { json: { email: user.email, password: PASSWORD } }),
      401,
      'INVALID_CREDENTIALS',
    );
    const fresh = await signIn(user.email, NEW_PASSWORD);
    expect((await call('/api/me', { token: fresh.accessToken })).status).toBe(200);

    const [row] = await query(
      (db) =>
        db`select password_changed_at, email_verified_at, password_hash from users where id = ${user.id}`,
    );
    expect(row?.password_changed_at).not.toBeNull();
    expect(row?.email_verified_at).not.toBeNull();
    expect(row?.password_hash).toMatch(/^\$scrypt\$/);
    const audit = await query(
      (db) =>
        db`select action from audit_log where user_id = ${user.id} and action = 'password.reset'`,
    );
    expect(audit).toHaveLength(1);
    await waitForMail(user.email, /a été modifié/);

    // Single use.
    await expectProblem(
      await call('/api/auth/reset-password', { json: { token, password: 'yet-another-password' } }),
      400,
      'TOKEN_INVALID',
    );
  });

  it('refuses expired, forged, superseded and verification tokens and changes nothing', async () => {
    const user = await registerUser();
    const verify = tokenFromMail(await waitForMail(user.email, /^Confirmez/), 'verify');
    const older = await resetToken(user);
    const newer = await resetToken(user);
    expect(newer).not.toBe(older);

    // Only the newest link works.
    await expectProblem(
      await call('/api/auth/reset-password', { json: { token: older, password: NEW_PASSWORD } }),
      400,
      'TOKEN_INVALID',
    );
    await expectProblem(
      await call('/api/auth/reset-password', { json: { token: verify, password: NEW_PASSWORD } }),
      400,
      'TOKEN_INVALID',
    );
    await expectProblem(
      await call('/api/auth/reset-password', {
        json: { token: `${newer.slice(0, -2)}zz`, password: NEW_PASSWORD },
      }),
      400,
      'TOKEN_INVALID',
    );
    // A password the policy refuses does not spend the token.
    await expectProblem(
      await call('/api/auth/reset-password', { json: { token: newer, password: 'short' } }),
      400,
      'VALIDATION_FAILED',
    );
    await query(
      (db) =>
        db`update auth_tokens set expires_at = now() - interval '1 second' where user_id = ${user.id} and purpose = 'reset_password'`,
    );
    await expectProblem(
      await call('/api/auth/reset-password', { json: { token: newer, password: NEW_PASSWORD } }),
      400,
      'TOKEN_INVALID',
    );
    // Nothing changed: the old password and the old session still work.
    expect((await call('/api/me', { token: user.accessToken })).status).toBe(200);
    await signIn(user.email, PASSWORD);
  });

  it('validates its bodies', async () => {
    await expectProblem(
      await call('/api/auth/forgot-password', { json: { email: 'nope' } }),
      400,
      'VALIDATION_FAILED',
    );
    await expectProblem(
      await call('/api/auth/forgot-password', { json: { email: uniqueEmail(), extra: 1 } }),
      400,
      'VALIDATION_FAILED',
    );
    await expectProblem(
      await call('/api/auth/reset-password', { json: { token: 'x' } }),
      400,
      'VALIDATION_FAILED',
    );
    await expectProblem(
      await call('/api/auth/forgot-password', {
        body: 'email=a@b.c',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('limits requests per address and per IP with 429 and Retry-After', async () => {
    const email = uniqueEmail('flood');
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 6; i++) {
      last = await call('/api/auth/forgot-password', { json: { email }, ip: randomIp() });
      statuses.push(last.status);
      if (i < 5) await last.body?.cancel();
    }
    expect(statuses.slice(0, 5)).toEqual(Array(5).fill(202));
    if (!last) throw new Error('no response');
    await expectProblem(last, 429, 'RATE_LIMITED');
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);

    const ip = randomIp();
    const byIp: number[] = [];
    for (let i = 0; i < 21; i++) {
      const res = await call('/api/auth/forgot-password', { json: { email: uniqueEmail() }, ip });
      byIp.push(res.status);
      await res.body?.cancel();
    }
    expect(byIp.slice(0, 20)).toEqual(Array(20).fill(202));
    expect(byIp[20]).toBe(429);
  });
});
