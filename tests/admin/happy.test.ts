import { describe, expect, it } from 'vitest';
import { call, expectProblem, json, registerUser, type SessionBody } from '../helpers/api';

interface Outbox {
  items: Array<{
    to: string;
    subject: string;
    text: string;
    status: string;
    sentAt: string | null;
  }>;
}

async function adminToken(): Promise<string> {
  const res = await call('/api/auth/login', {
    json: { email: 'admin@webox.local', password: 'webox-admin-2026' },
  });
  expect(res.status).toBe(200);
  return (await json<SessionBody>(res)).accessToken;
}

describe('admin outbox', () => {
  it('holds the verification e-mail, in the language the browser asked for, delivered to the mail API', async () => {
    const fr = await registerUser({ name: 'Zoé' });
    const token = await adminToken();
    let mail: Outbox['items'][number] | undefined;
    for (let i = 0; i < 40 && mail?.status !== 'sent'; i++) {
      const res = await call('/api/admin/outbox?limit=20', { token });
      expect(res.status).toBe(200);
      mail = (await json<Outbox>(res)).items.find((m) => m.to === fr.email);
      if (mail?.status !== 'sent') await new Promise((r) => setTimeout(r, 100));
    }
    expect(mail).toMatchObject({
      subject: 'Confirmez votre adresse e-mail pour WeBox',
      status: 'sent',
    });
    expect(mail?.text).toContain('Bonjour Zoé');
    expect(mail?.sentAt).not.toBeNull();

    const en = await call('/api/auth/register', {
      json: { email: `en.${fr.email}`, password: 'a-long-enough-password', name: 'Sam' },
      headers: { 'Accept-Language': 'en-GB,en;q=0.9' },
    });
    expect((await json<SessionBody>(en)).user.locale).toBe('en');
  });

  it('is for admins only and validates its query', async () => {
    const user = await registerUser();
    await expectProblem(
      await call('/api/admin/outbox', { token: user.accessToken }),
      403,
      'FORBIDDEN',
    );
    const token = await adminToken();
    await expectProblem(
      await call('/api/admin/outbox?limit=0', { token }),
      400,
      'VALIDATION_FAILED',
    );
    const bad = await expectProblem(
      await call('/api/admin/outbox?limit=abc', { token }),
      400,
      'VALIDATION_FAILED',
    );
    expect(bad.errors?.[0]?.path).toBe('query.limit');
  });
});
