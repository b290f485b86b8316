import { describe, expect, it } from 'vitest';
import { mailsTo, query, tokenFromMail, waitForMail } from '../helpers/accounts';
import {
  baseUrl,
  call,
  expectProblem,
  json,
  PASSWORD,
  randomIp,
  registerUser,
  type SessionBody,
  type UserBody,
  uniqueEmail,
} from '../helpers/api';

interface Status {
  emailVerified: boolean;
  email: string;
  required: boolean;
}

const FR_SUBJECT = /^Confirmez votre adresse e-mail/;
const EN_SUBJECT = /^Confirm your e-mail address/;

describe('e-mail verification', () => {
  it('mails a link on sign-up that confirms the address once', async () => {
    const user = await registerUser({ name: 'Zoé' });
    const mail = await waitForMail(user.email, FR_SUBJECT);
    expect(mail.text_body).toContain('Bonjour Zoé');
    expect(mail.text_body).toContain(`${baseUrl()}/verify?token=`);
    const token = tokenFromMail(mail, 'verify');

    const before = await call('/api/auth/verification-status', { token: user.accessToken });
    expect(await json<Status>(before)).toEqual({
      emailVerified: false,
      email: user.email,
      required: false,
    });
    const [stored] = await query(
      (db) => db`select token_hash, expires_at from auth_tokens where user_id = ${user.id}`,
    );
    // Only the hash is stored, and the link lives 48 hours.
    expect(stored?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored?.token_hash).not.toContain(token);
    const hours = (new Date(stored?.expires_at).getTime() - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(47.9);
    expect(hours).toBeLessThanOrEqual(48);

    const res = await call('/api/auth/verify-email', { json: { token } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ emailVerified: true, email: user.email });

    const after = await call('/api/auth/verification-status', { token: user.accessToken });
    expect((await json<Status>(after)).emailVerified).toBe(true);
    const me = await call('/api/me', { token: user.accessToken });
    expect((await json<{ user: UserBody }>(me)).user.emailVerified).toBe(true);
    const audit = await query(
      (db) =>
        db`select action from audit_log where user_id = ${user.id} and action = 'email.verified'`,
    );
    expect(audit).toHaveLength(1);

    // Single use: the same link again is refused.
    await expectProblem(
      await call('/api/auth/verify-email', { json: { token } }),
      400,
      'TOKEN_INVALID',
    );
  });

  it('writes the mail in English for an English browser', async () => {
    const email = uniqueEmail('en');
    const res = await call('/api/auth/register', {
      json: { email, password: PASSWORD, name: 'Sam' },
      headers: { 'Accept-Language': 'en-GB,en;q=0.9' },
    });
    expect(res.status).toBe(201);
    const mail = await waitForMail(email, EN_SUBJECT);
    expect(mail.text_body).toContain('Hello Sam');
  });

  it('refuses forged, expired and wrong-purpose tokens and changes nothing', async () => {
    const user = await registerUser();
    const token = tokenFromMail(await waitForMail(user.email, FR_SUBJECT), 'verify');
    await expectProblem(
      await call('/api/auth/verify-email', { json: { token: `${token}x` } }),
      400,
      'TOKEN_INVALID',
    );
    await expectProblem(
      await call('/api/auth/verify-email', { json: { token: 'A'.repeat(43) } }),
      400,
      'TOKEN_INVALID',
    );
    await query(
      (db) =>
        db`update auth_tokens set expires_at = now() - interval '1 minute' where user_id = ${user.id}`,
    );
    const expired = await expectProblem(
      await call('/api/auth/verify-email', { json: { token } }),
      400,
      'TOKEN_INVALID',
    );
    expect(expired.detail).toMatch(/expired/);
    const [row] = await query(
      (db) => db`select email_verified_at from users where id = ${user.id}`,
    );
    expect(row?.email_verified_at).toBeNull();

    // A password-reset token does not confirm an address.
    await call('/api/auth/forgot-password', { json: { email: user.email } });
    const reset = tokenFromMail(await waitForMail(user.email, /mot de passe/), 'reset');
    await expectProblem(
      await call('/api/auth/verify-email', { json: { token: reset } }),
      400,
      'TOKEN_INVALID',
    );
  });

  it('validates the body', async () => {
    await expectProblem(
      await call('/api/auth/verify-email', { json: {} }),
      400,
      'VALIDATION_FAILED',
    );
    await expectProblem(
      await call('/api/auth/verify-email', { json: { token: 42 } }),
      400,
      'VALIDATION_FAILED',
    );
    await expectProblem(
      await call('/api/auth/verify-email', { json: { token: 'x'.repeat(300) } }),
      400,
      'VALIDATION_FAILED',
    );
    await expectProblem(
      await call('/api/auth/verify-email', {
        body: '{"token":',
        headers: { 'Content-Type': 'application/json' },
      }),
      400,
      'INVALID_JSON',
    );
  });

  it('resends for the signed-in user, at most 3 an hour, and not once confirmed', async () => {
    await expectProblem(
      await call('/api/auth/verify-email/resend', { method: 'POST' }),
      401,
      'UNAUTHORIZED',
    );
    await expectProblem(await call('/api/auth/verification-status'), 401, 'UNAUTHORIZED');

    const user = await registerUser();
    const first = await waitForMail(user.email, FR_SUBJECT);
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 4; i++) {
      last = await call('/api/auth/verify-email/resend', {
        method: 'POST',
        token: user.accessToken,
        ip: randomIp(),
      });
      statuses.push(last.status);
      if (i < 3) await last.body?.cancel();
    }
    expect(statuses.slice(0, 3)).toEqual([202, 202, 202]);
    if (!last) throw new Error('no response');
    await expectProblem(last, 429, 'RATE_LIMITED');
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
    const mails = await mailsTo(user.email);
    expect(mails.length).toBeGreaterThanOrEqual(4);

    // Any of the links works; after that the account is confirmed and every link is spent.
    const newest = await waitForMail(user.email, FR_SUBJECT, { after: first.created_at });
    const ok = await call('/api/auth/verify-email', {
      json: { token: tokenFromMail(newest, 'verify') },
    });
    expect(ok.status).toBe(200);
    await expectProblem(
      await call('/api/auth/verify-email', { json: { token: tokenFromMail(first, 'verify') } }),
      400,
      'TOKEN_INVALID',
    );

    const verified = await registerUser();
    const link = tokenFromMail(await waitForMail(verified.email, FR_SUBJECT), 'verify');
    expect((await call('/api/auth/verify-email', { json: { token: link } })).status).toBe(200);
    await expectProblem(
      await call('/api/auth/verify-email/resend', { method: 'POST', token: verified.accessToken }),
      409,
      'CONFLICT',
    );
  });

  it('answers a signed-out request the same for any address and mails only a pending one', async () => {
    const user = await registerUser();
    await waitForMail(user.email, FR_SUBJECT);
    const ghost = uniqueEmail('ghost');
    const known = await call('/api/auth/verify-email/request', { json: { email: user.email } });
    const unknown = await call('/api/auth/verify-email/request', { json: { email: ghost } });
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(await known.text()).toBe(await unknown.text());
    await expect.poll(async () => (await mailsTo(user.email)).length, { timeout: 10_000 }).toBe(2);
    expect(await mailsTo(ghost)).toHaveLength(0);
  });

  it('lets an unconfirmed account sign in while REQUIRE_VERIFIED_EMAIL is false', async () => {
    const user = await registerUser();
    const res = await call('/api/auth/login', {
      json: { email: user.email, password: PASSWORD },
    });
    expect(res.status).toBe(200);
    expect((await json<SessionBody>(res)).user.emailVerified).toBe(false);
  });
});
