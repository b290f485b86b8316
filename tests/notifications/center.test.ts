import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmin, query } from '../helpers/accounts';
import {
  baseUrl,
  call,
  expectProblem,
  json,
  registerUser,
  sql,
  type TestUser,
} from '../helpers/api';
import { openFor, socketToken, until, upgradeRequest } from './sockets';

interface Notification {
  id: string;
  type: string;
  title: string;
  body: string;
  link: string | null;
  createdAt: string;
  readAt: string | null;
}

interface Page {
  items: Notification[];
  nextCursor: string | null;
  unread: number;
}

let admin: TestUser;

beforeAll(async () => {
  admin = await createAdmin();
});

async function announce(
  body: Record<string, unknown>,
): Promise<{ recipients: number; delivered: number }> {
  const res = await call('/api/admin/announcements', { token: admin.accessToken, json: body });
  expect(res.status, await res.clone().text()).toBe(200);
  return json(res);
}

async function list(user: TestUser, search = ''): Promise<Page> {
  const res = await call(`/api/notifications${search}`, { token: user.accessToken });
  expect(res.status, await res.clone().text()).toBe(200);
  return json<Page>(res);
}

describe('notification centre', () => {
  it('stores an announcement, pushes it live only to its recipient, and marks it read', async () => {
    const alice = await registerUser();
    const bob = await registerUser();
    const a = await openFor(alice.accessToken);
    const b = await openFor(bob.accessToken);

    const sent = await announce({
      title: 'Maintenance tonight',
      body: 'WeBox restarts at 22:00.',
      link: '/notifications',
      userIds: [alice.id],
    });
    expect(sent).toEqual({ recipients: 1, delivered: 1 });

    await until(() => a.messages.some((m) => m.type === 'notification'));
    const live = a.messages.find((m) => m.type === 'notification');
    expect(live?.data).toMatchObject({
      type: 'announcement',
      title: 'Maintenance tonight',
      body: 'WeBox restarts at 22:00.',
      link: '/notifications',
      readAt: null,
    });

    const page = await list(alice);
    expect(page.unread).toBe(1);
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ id: live?.data?.id, title: 'Maintenance tonight' });
    // Bob's socket never saw Alice's notification, and Bob has none stored.
    await new Promise((r) => setTimeout(r, 200));
    expect(b.messages.filter((m) => m.type === 'notification')).toEqual([]);
    expect((await list(bob)).items).toEqual([]);

    // Bob's announcement does not reach Alice's socket either.
    expect(await announce({ title: 'For Bob', body: '', userIds: [bob.id] })).toEqual({
      recipients: 1,
      delivered: 1,
    });
    await until(() => b.messages.some((m) => m.type === 'notification'));
    await new Promise((r) => setTimeout(r, 200));
    expect(a.messages.filter((m) => m.type === 'notification')).toHaveLength(1);

    const id = page.items[0]?.id ?? '';
    const read = await call(`/api/notifications/${id}/read`, {
      method: 'POST',
      token: alice.accessToken,
    });
    expect(read.status).toBe(200);
    const readBody = await json<{ notification: Notification; unread: number }>(read);
    expect(readBody.unread).toBe(0);
    expect(readBody.notification.readAt).not.toBeNull();
    // The other tabs hear about it, so their badge follows.
    await until(() => a.messages.some((m) => m.type === 'notification.read'));
    expect((await list(alice)).unread).toBe(0);
    expect((await list(alice, '?unread=true')).items).toEqual([]);

    // Marking again keeps the first read time.
    const again = await call(`/api/notifications/${id}/read`, {
      method: 'POST',
      token: alice.accessToken,
    });
    expect((await json<{ notification: Notification }>(again)).notification.readAt).toBe(
      readBody.notification.readAt,
    );
    a.socket.close();
    b.socket.close();
  });

  it('pages newest first, filters unread, marks all read and deletes', async () => {
    const user = await registerUser();
    for (const title of ['one', 'two', 'three']) {
      await announce({ title, body: '', userIds: [user.id] });
    }
    const first = await list(user, '?limit=2');
    expect(first.items.map((n) => n.title)).toEqual(['three', 'two']);
    expect(first.unread).toBe(3);
    expect(first.nextCursor).toBeTruthy();
    const second = await list(user, `?limit=2&cursor=${first.nextCursor}`);
    expect(second.items.map((n) => n.title)).toEqual(['one']);
    expect(second.nextCursor).toBeNull();

    const oldest = second.items[0]?.id ?? '';
    await call(`/api/notifications/${oldest}/read`, { method: 'POST', token: user.accessToken });
    const unread = await list(user, '?unread=true');
    expect(unread.items.map((n) => n.title)).toEqual(['three', 'two']);
    expect(unread.unread).toBe(2);

    const all = await call('/api/notifications/read-all', {
      method: 'POST',
      token: user.accessToken,
    });
    expect(await json(all)).toEqual({ updated: 2, unread: 0 });

    const del = await call(`/api/notifications/${oldest}`, {
      method: 'DELETE',
      token: user.accessToken,
    });
    expect(del.status).toBe(204);
    expect((await list(user)).items.map((n) => n.title)).toEqual(['three', 'two']);
    await expectProblem(
      await call(`/api/notifications/${oldest}`, { method: 'DELETE', token: user.accessToken }),
      404,
      'NOT_FOUND',
    );
    await expectProblem(
      await call('/api/notifications?cursor=bogus', { token: user.accessToken }),
      400,
      'VALIDATION_FAILED',
    );
    await expectProblem(
      await call('/api/notifications?limit=51', { token: user.accessToken }),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('keeps preferences, with defaults until saved', async () => {
    const user = await registerUser();
    const path = '/api/notifications/preferences';
    const get = async () => json(await call(path, { token: user.accessToken }));
    expect(await get()).toEqual({ jobFinished: true, jobProgress: true, email: false });

    const put = await call(path, {
      method: 'PUT',
      token: user.accessToken,
      json: { jobFinished: false, jobProgress: true, email: true },
    });
    expect(put.status).toBe(200);
    expect(await json(put)).toEqual({ jobFinished: false, jobProgress: true, email: true });
    expect(await get()).toEqual({ jobFinished: false, jobProgress: true, email: true });

    for (const bad of [
      { jobFinished: false, jobProgress: true },
      { jobFinished: 'no', jobProgress: true, email: true },
      { jobFinished: false, jobProgress: true, email: true, sms: true },
    ]) {
      await expectProblem(
        await call(path, { method: 'PUT', token: user.accessToken, json: bad }),
        400,
        'VALIDATION_FAILED',
      );
    }
    await expectProblem(
      await call(path, {
        method: 'PUT',
        token: user.accessToken,
        body: '{"email":',
        headers: { 'Content-Type': 'application/json' },
      }),
      400,
      'INVALID_JSON',
    );
    // The refused writes changed nothing.
    expect(await get()).toEqual({ jobFinished: false, jobProgress: true, email: true });
  });
});

describe('notification centre: errors and access', () => {
  it("answers 404 for someone else's notification and changes nothing", async () => {
    const owner = await registerUser();
    const other = await registerUser();
    await announce({ title: 'Private', body: '', userIds: [owner.id] });
    const id = (await list(owner)).items[0]?.id ?? '';
    await expectProblem(
      await call(`/api/notifications/${id}/read`, { method: 'POST', token: other.accessToken }),
      404,
      'NOT_FOUND',
    );
    await expectProblem(
      await call(`/api/notifications/${id}`, { method: 'DELETE', token: other.accessToken }),
      404,
      'NOT_FOUND',
    );
    await expectProblem(
      await call(`/api/notifications/${randomUUID()}/read`, {
        method: 'POST',
        token: owner.accessToken,
      }),
      404,
      'NOT_FOUND',
    );
    await expectProblem(
      await call('/api/notifications/not-a-uuid/read', {
        method: 'POST',
        token: owner.accessToken,
      }),
      400,
      'VALIDATION_FAILED',
    );
    // Read-all by someone else leaves it unread.
    await call('/api/notifications/read-all', { method: 'POST', token: other.accessToken });
    const page = await list(owner);
    expect(page.unread).toBe(1);
    expect(page.items[0]?.readAt).toBeNull();
  });

  it('needs a session for every route, and the admin role to announce', async () => {
    const id = randomUUID();
    const routes: Array<[string, string, unknown?]> = [
      ['GET', '/api/notifications'],
      ['POST', `/api/notifications/${id}/read`],
      ['POST', '/api/notifications/read-all'],
      ['DELETE', `/api/notifications/${id}`],
      ['GET', '/api/notifications/preferences'],
      [
        'PUT',
        '/api/notifications/preferences',
        { jobFinished: true, jobProgress: true, email: false },
      ],
      ['POST', '/api/admin/announcements', { title: 'x', body: 'y' }],
    ];
    for (const [method, path, body] of routes) {
      await expectProblem(await call(path, { method, json: body }), 401, 'UNAUTHORIZED');
      await expectProblem(
        await call(path, { method, json: body, token: 'not-a-token' }),
        401,
        'UNAUTHORIZED',
      );
    }
    const user = await registerUser();
    await expectProblem(
      await call('/api/admin/announcements', {
        token: user.accessToken,
        json: { title: 'Hello everyone', body: 'Free credits!' },
      }),
      403,
      'FORBIDDEN',
    );
    expect((await list(user)).items).toEqual([]);
  });

  it('validates announcements', async () => {
    const post = (body: unknown, raw?: string) =>
      call('/api/admin/announcements', {
        token: admin.accessToken,
        json: raw === undefined ? body : undefined,
        body: raw,
        headers: raw === undefined ? undefined : { 'Content-Type': 'application/json' },
      });
    await expectProblem(await post(undefined, '{"title":'), 400, 'INVALID_JSON');
    const cases: unknown[] = [
      {},
      { title: '', body: 'x' },
      { title: 't'.repeat(201), body: 'x' },
      { title: 'x', body: 'x', link: 'javascript:alert(1)' },
      { title: 'x', body: 'x', link: '//evil.example/phish' },
      { title: 'x', body: 'x', link: 'https://evil.example/' },
      { title: 'x', body: 'x', userIds: [] },
      { title: 'x', body: 'x', userIds: ['nope'] },
      { title: 'x', body: 'x', userIds: Array.from({ length: 1001 }, () => randomUUID()) },
    ];
    for (const body of cases) {
      await expectProblem(await post(body), 400, 'VALIDATION_FAILED');
    }
    // Unknown ids are skipped, not stored.
    expect(await announce({ title: 'Nobody', body: '', userIds: [randomUUID()] })).toEqual({
      recipients: 0,
      delivered: 0,
    });
  });

  it('reaches every active account when no recipients are named, never disabled ones', async () => {
    const active = await registerUser();
    const disabled = await registerUser();
    await query((db) => db`update users set status = 'disabled' where id = ${disabled.id}`);
    const title = `Everyone ${randomUUID()}`;
    const sent = await announce({ title, body: 'To all.' });
    const [counts] = await query<{ users: number; stored: number }>(
      (db) => db`select
        (select count(*)::int from users where status = 'active') as users,
        (select count(*)::int from notifications where title = ${title}) as stored`,
    );
    expect(sent.recipients).toBe(counts?.users);
    expect(counts?.stored).toBe(counts?.users);
    expect((await list(active)).items.map((n) => n.title)).toContain(title);
    const [forDisabled] = await query<{ n: number }>(
      (db) =>
        db`select count(*)::int as n from notifications where user_id = ${disabled.id} and title = ${title}`,
    );
    expect(forDisabled?.n).toBe(0);
  });

  it('refuses a socket opened from another site', async () => {
    const user = await registerUser();
    const url = await socketToken(user.accessToken);
    await expectProblem(
      await upgradeRequest(url, { Origin: 'https://evil.example' }),
      403,
      'FORBIDDEN',
    );
    // The same token from the Worker's own origin is accepted.
    await expect(upgradeRequest(url, { Origin: new URL(baseUrl()).origin })).rejects.toThrow(
      'the upgrade was accepted',
    );
  });
});

describe('notification centre: daily cron', () => {
  let user: TestUser;

  beforeAll(async () => {
    user = await registerUser();
    const db = sql();
    try {
      for (const [key, readAge, age] of [
        ['oldRead', '91 days', '91 days'],
        ['oldUnread', null, '91 days'],
        ['recentRead', '1 day', '10 days'],
      ] as const) {
        await db`insert into notifications (user_id, type, title, read_at, created_at)
          values (${user.id}, 'announcement', ${key},
            now() - ${readAge}::interval, now() - ${age}::interval)`;
      }
    } finally {
      await db.end();
    }
  });

  afterAll(async () => {
    await query((db) => db`delete from notifications where user_id = ${user.id}`);
  });

  it('deletes read notifications older than 90 days on the daily trigger only', async () => {
    const titles = async () =>
      (
        await query<{ title: string }>(
          (db) => db`select title from notifications where user_id = ${user.id} order by title`,
        )
      ).map((row) => row.title);
    expect((await call('/__scheduled?cron=*/15+*+*+*+*')).status).toBe(200);
    expect(await titles()).toEqual(['oldRead', 'oldUnread', 'recentRead']);
    expect((await call('/__scheduled?cron=0+3+*+*+*')).status).toBe(200);
    expect(await titles()).toEqual(['oldUnread', 'recentRead']);
  });
});
