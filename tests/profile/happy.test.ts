import { describe, expect, it } from 'vitest';
import { call, json, PASSWORD, registerUser, sql, uniqueEmail } from '../helpers/api';
import {
  auditActions,
  jpeg,
  png,
  putAvatar,
  waitForChangeToken,
  waitForMail,
} from '../helpers/profile';

interface ProfileBody {
  id: string;
  email: string;
  name: string;
  locale: string;
  theme: string;
  notificationPrefs: Record<string, boolean>;
  avatarUrl: string | null;
  emailVerified: boolean;
  createdAt: string;
}

interface ActivityPage {
  items: Array<{
    id: string;
    action: string;
    at: string;
    ip: string | null;
    device: string | null;
    metadata: Record<string, unknown>;
  }>;
  nextCursor: string | null;
}

describe('profile: happy paths', () => {
  it('shows the profile with defaults, then applies a partial update', async () => {
    const user = await registerUser({ name: 'Camille' });
    const first = await call('/api/profile', { token: user.accessToken });
    expect(first.status).toBe(200);
    const profile = await json<ProfileBody>(first);
    expect(profile).toMatchObject({
      id: user.id,
      email: user.email,
      name: 'Camille',
      theme: 'system',
      avatarUrl: null,
      emailVerified: false,
      notificationPrefs: {
        'email.security': true,
        'email.product': false,
        'email.billing': true,
        'push.jobs': true,
      },
    });

    const patched = await call('/api/profile', {
      method: 'PATCH',
      token: user.accessToken,
      json: {
        name: '  Camille Dupont ',
        locale: 'en',
        theme: 'dark',
        notificationPrefs: { 'email.product': true },
      },
    });
    expect(patched.status, await patched.clone().text()).toBe(200);
    const updated = await json<ProfileBody>(patched);
    expect(updated).toMatchObject({ name: 'Camille Dupont', locale: 'en', theme: 'dark' });
    // Only the channel sent changed; the others kept their values.
    expect(updated.notificationPrefs).toEqual({
      'email.security': true,
      'email.product': true,
      'email.billing': true,
      'push.jobs': true,
    });

    const again = await json<ProfileBody>(await call('/api/profile', { token: user.accessToken }));
    expect(again).toEqual(updated);
    const me = await json<{ user: { name: string; locale: string } }>(
      await call('/api/me', { token: user.accessToken }),
    );
    expect(me.user).toMatchObject({ name: 'Camille Dupont', locale: 'en' });
    expect(await auditActions(user.id)).toContain('profile.updated');
  });

  it('changes the e-mail address through a link sent to the new address', async () => {
    const user = await registerUser();
    const newEmail = uniqueEmail('moved');
    const res = await call('/api/profile/email', {
      token: user.accessToken,
      json: { newEmail: `  ${newEmail.toUpperCase()} ` },
    });
    expect(res.status, await res.clone().text()).toBe(202);
    expect(await json<{ status: string }>(res)).toMatchObject({ status: 'pending' });

    const notice = await waitForMail(user.email, /was requested|Changement d’adresse/i);
    expect(notice.text_body).toContain(`${newEmail.charAt(0)}***@example.com`);
    expect(notice.text_body).not.toContain(newEmail);
    const token = await waitForChangeToken(newEmail);

    // Nothing changes until the link is used.
    const before = await json<ProfileBody>(await call('/api/profile', { token: user.accessToken }));
    expect(before.email).toBe(user.email);

    const confirmed = await call('/api/profile/email/confirm', { json: { token } });
    expect(confirmed.status, await confirmed.clone().text()).toBe(200);
    expect(await json(confirmed)).toEqual({ email: newEmail, emailVerified: true });

    const after = await json<ProfileBody>(await call('/api/profile', { token: user.accessToken }));
    expect(after).toMatchObject({ email: newEmail, emailVerified: true });
    const login = await call('/api/auth/login', { json: { email: newEmail, password: PASSWORD } });
    expect(login.status).toBe(200);
    const oldLogin = await call('/api/auth/login', {
      json: { email: user.email, password: PASSWORD },
    });
    expect(oldLogin.status).toBe(401);
    const actions = await auditActions(user.id);
    expect(actions).toEqual(expect.arrayContaining(['email.change_requested', 'email.changed']));
  });

  it('stores, serves, replaces and deletes the avatar', async () => {
    const user = await registerUser();
    const image = png(48, 32);
    const put = await putAvatar(user, image, 'image/png');
    expect(put.status, await put.clone().text()).toBe(200);
    const saved = await json<{ avatarUrl: string; width: number; height: number; bytes: number }>(
      put,
    );
    expect(saved).toMatchObject({ width: 48, height: 32, bytes: image.length });

    const profile = await json<ProfileBody>(
      await call('/api/profile', { token: user.accessToken }),
    );
    expect(profile.avatarUrl).toBe(saved.avatarUrl);
    const got = await call(saved.avatarUrl, { token: user.accessToken });
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('image/png');
    expect(got.headers.get('cache-control')).toMatch(/^private/);
    const etag = got.headers.get('etag');
    expect(etag).toBeTruthy();
    expect(Buffer.from(await got.arrayBuffer()).equals(image)).toBe(true);

    const unchanged = await call('/api/profile/avatar', {
      token: user.accessToken,
      headers: { 'If-None-Match': etag ?? '' },
    });
    expect(unchanged.status).toBe(304);

    const replaced = await putAvatar(user, jpeg(64, 64), 'image/jpeg');
    expect(replaced.status).toBe(200);
    const second = await call('/api/profile/avatar', { token: user.accessToken });
    expect(second.headers.get('content-type')).toBe('image/jpeg');
    expect(second.headers.get('etag')).not.toBe(etag);
    await second.body?.cancel();

    const db = sql();
    const [row] = await db`select avatar_key from users where id = ${user.id}`;
    await db.end();
    expect(row?.avatar_key).toMatch(new RegExp(`^users/${user.id}/avatar/[0-9a-f-]{36}\\.jpg$`));

    const removed = await call('/api/profile/avatar', {
      method: 'DELETE',
      token: user.accessToken,
    });
    expect(removed.status).toBe(204);
    expect((await call('/api/profile/avatar', { token: user.accessToken })).status).toBe(404);
    const cleared = await json<ProfileBody>(
      await call('/api/profile', { token: user.accessToken }),
    );
    expect(cleared.avatarUrl).toBeNull();
    expect(await auditActions(user.id)).toEqual(
      expect.arrayContaining(['avatar.updated', 'avatar.deleted']),
    );
  });

  it('takes an avatar above the 1 MiB JSON limit and up to 2 MiB', async () => {
    const user = await registerUser();
    const image = png(700, 700, { noise: true });
    expect(image.length).toBeGreaterThan(1024 * 1024);
    expect(image.length).toBeLessThan(2 * 1024 * 1024);
    const res = await putAvatar(user, image, 'image/png');
    expect(res.status, await res.clone().text()).toBe(200);
  });

  it('counts sessions, keys and sign-ins in the statistics', async () => {
    const user = await registerUser();
    await call('/api/auth/login', { json: { email: user.email, password: 'wrong password!' } });
    const login = await call('/api/auth/login', {
      json: { email: user.email, password: PASSWORD },
    });
    expect(login.status).toBe(200);
    const res = await call('/api/profile/stats', { token: user.accessToken });
    expect(res.status).toBe(200);
    const stats = await json<Record<string, unknown>>(res);
    expect(stats).toMatchObject({
      activeSessions: 2,
      passkeys: 0,
      aiKeys: 0,
      twoFactorEnabled: false,
      signInsLast30Days: 2,
      failedSignInsLast30Days: 1,
    });
    expect(typeof stats.memberSince).toBe('string');
    expect(Date.parse(String(stats.lastSignInAt))).toBeGreaterThan(Date.now() - 60_000);
  });

  it('pages through the activity log newest first without gaps or repeats', async () => {
    const user = await registerUser();
    for (const name of ['A', 'B', 'C', 'D']) {
      const res = await call('/api/profile', {
        method: 'PATCH',
        token: user.accessToken,
        json: { name },
        headers: { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Firefox/140.0' },
      });
      expect(res.status).toBe(200);
    }
    const all = await json<ActivityPage>(
      await call('/api/profile/activity?limit=100', { token: user.accessToken }),
    );
    expect(all.items.map((item) => item.action)).toEqual([
      'profile.updated',
      'profile.updated',
      'profile.updated',
      'profile.updated',
      'account.created',
    ]);
    expect(all.nextCursor).toBeNull();
    expect(all.items[0]?.device).toBe('Firefox on Linux');
    expect(all.items[0]?.metadata).toEqual({ fields: 'name' });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page: ActivityPage = await json<ActivityPage>(
        await call(`/api/profile/activity?limit=2${query}`, { token: user.accessToken }),
      );
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.items.map((item) => item.id));
  });
});
