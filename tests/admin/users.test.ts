import { beforeAll, describe, expect, it } from 'vitest';
import { createAdmin, query } from '../helpers/accounts';
import {
  call,
  expectProblem,
  json,
  PASSWORD,
  registerUser,
  type TestUser,
  uniqueEmail,
} from '../helpers/api';

interface AdminUser {
  id: string;
  email: string;
  name: string;
  status: 'active' | 'disabled';
  emailVerified: boolean;
  disabledAt: string | null;
}

interface UserList {
  items: AdminUser[];
  page: number;
  pageSize: number;
  total: number;
}

async function list(token: string, params: string): Promise<UserList> {
  const res = await call(`/api/admin/users?${params}`, { token });
  expect(res.status, await res.clone().text()).toBe(200);
  return json<UserList>(res);
}

describe('admin: users', () => {
  let admin: TestUser;
  beforeAll(async () => {
    admin = await createAdmin();
  });

  it('is for admins only', async () => {
    const user = await registerUser();
    const id = user.id;
    for (const [method, path] of [
      ['GET', '/api/admin/users'],
      ['POST', `/api/admin/users/${id}/disable`],
      ['POST', `/api/admin/users/${id}/enable`],
    ] as const) {
      await expectProblem(await call(path, { method }), 401, 'UNAUTHORIZED');
      await expectProblem(await call(path, { method, token: user.accessToken }), 403, 'FORBIDDEN');
    }
    const [row] = await query((db) => db`select status from users where id = ${id}`);
    expect(row?.status).toBe('active');
  });

  it('searches by name or e-mail, newest first, with paging and a status filter', async () => {
    const tag = `Quokka${Date.now().toString(36)}`;
    const first = await registerUser({ name: `${tag} First` });
    const second = await registerUser({ name: `${tag} Second` });
    const byEmail = await registerUser({ email: uniqueEmail(tag.toLowerCase()) });

    const all = await list(admin.accessToken, `query=${tag.toLowerCase()}`);
    expect(all.total).toBe(3);
    expect(all.items.map((u) => u.id)).toEqual([byEmail.id, second.id, first.id]);
    expect(all.items[0]).not.toHaveProperty('passwordHash');

    const page2 = await list(admin.accessToken, `query=${tag}&page=2&pageSize=1`);
    expect(page2).toMatchObject({ page: 2, pageSize: 1, total: 3 });
    expect(page2.items.map((u) => u.id)).toEqual([second.id]);

    // Wildcards typed by the admin are literal.
    expect((await list(admin.accessToken, 'query=%25')).total).toBe(0);
    expect(
      (await list(admin.accessToken, 'query=_')).items.every((u) => /_/.test(u.email + u.name)),
    ).toBe(true);

    const disabled = await call(`/api/admin/users/${first.id}/disable`, {
      method: 'POST',
      token: admin.accessToken,
    });
    expect(disabled.status).toBe(200);
    const onlyDisabled = await list(admin.accessToken, `query=${tag}&status=disabled`);
    expect(onlyDisabled.items.map((u) => u.id)).toEqual([first.id]);
    const recent = await list(admin.accessToken, 'pageSize=5');
    expect(recent.items).toHaveLength(5);
    expect(recent.total).toBeGreaterThanOrEqual(5);
  });

  it('validates its query and ids', async () => {
    for (const params of ['page=0', 'pageSize=101', 'status=gone', 'page=abc']) {
      await expectProblem(
        await call(`/api/admin/users?${params}`, { token: admin.accessToken }),
        400,
        'VALIDATION_FAILED',
      );
    }
    await expectProblem(
      await call('/api/admin/users/not-a-uuid/disable', {
        method: 'POST',
        token: admin.accessToken,
      }),
      400,
      'VALIDATION_FAILED',
    );
    await expectProblem(
      await call(`/api/admin/users/${crypto.randomUUID()}/disable`, {
        method: 'POST',
        token: admin.accessToken,
      }),
      404,
      'NOT_FOUND',
    );
    await expectProblem(
      await call(`/api/admin/users/${admin.id}/disable`, {
        method: 'POST',
        token: admin.accessToken,
      }),
      403,
      'FORBIDDEN',
    );
  });

  it('disabling stops the access token at once, refuses sign-in and refresh; enabling restores sign-in', async () => {
    const user = await registerUser();
    expect((await call('/api/me', { token: user.accessToken })).status).toBe(200);

    const res = await call(`/api/admin/users/${user.id}/disable`, {
      method: 'POST',
      token: admin.accessToken,
    });
    expect(res.status).toBe(200);
    const { user: body } = await json<{ user: AdminUser }>(res);
    expect(body).toMatchObject({ id: user.id, status: 'disabled' });
    expect(body.disabledAt).not.toBeNull();

    await expectProblem(await call('/api/me', { token: user.accessToken }), 401, 'UNAUTHORIZED');
    await expectProblem(
      await call('/api/auth/sessions', { token: user.accessToken }),
      401,
      'UNAUTHORIZED',
    );
    const refreshed = await call('/api/auth/refresh', { method: 'POST', cookie: user.cookie });
    expect(refreshed.status).toBe(401);
    await refreshed.body?.cancel();
    await expectProblem(
      await call('/api/auth/login', { json: { email: user.email, password: PASSWORD } }),
      403,
      'FORBIDDEN',
    );
    const live = await query(
      (db) => db`select 1 from sessions where user_id = ${user.id} and revoked_at is null`,
    );
    expect(live).toHaveLength(0);
    const audit = await query(
      (db) =>
        db`select metadata from audit_log where user_id = ${user.id} and action = 'account.disabled'`,
    );
    expect(audit).toEqual([{ metadata: { by: admin.id } }]);

    // Disabling twice changes nothing more.
    const again = await call(`/api/admin/users/${user.id}/disable`, {
      method: 'POST',
      token: admin.accessToken,
    });
    expect(again.status).toBe(200);
    await again.body?.cancel();

    const enabled = await call(`/api/admin/users/${user.id}/enable`, {
      method: 'POST',
      token: admin.accessToken,
    });
    expect(enabled.status).toBe(200);
    expect((await json<{ user: AdminUser }>(enabled)).user).toMatchObject({
      status: 'active',
      disabledAt: null,
    });
    const login = await call('/api/auth/login', {
      json: { email: user.email, password: PASSWORD },
    });
    expect(login.status).toBe(200);
    await login.body?.cancel();
    // The old token stays dead: it was issued before the account was disabled.
    expect((await call('/api/me', { token: user.accessToken })).status).toBe(401);
  });
});
