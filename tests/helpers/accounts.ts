import { expect } from 'vitest';
import {
  call,
  json,
  PASSWORD,
  randomIp,
  refreshCookie,
  registerUser,
  type SessionBody,
  sql,
  type TestUser,
} from './api';

export interface OutboxMail {
  to_address: string;
  subject: string;
  text_body: string;
  created_at: Date;
}

/**
 * The newest e-mail to `to` whose subject matches, read from the outbox table. Mail is
 * written after the response (background task), so this polls for a bounded time.
 */
export async function waitForMail(
  to: string,
  subject: RegExp,
  options: { after?: Date; timeoutMs?: number } = {},
): Promise<OutboxMail> {
  const db = sql();
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  try {
    while (Date.now() < deadline) {
      const rows = await db<OutboxMail[]>`
        select to_address, subject, text_body, created_at from email_outbox
        where to_address = ${to} order by created_at desc`;
      const found = rows.find(
        (row) => subject.test(row.subject) && (!options.after || row.created_at >= options.after),
      );
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await db.end();
  }
  throw new Error(`no mail to ${to} matching ${subject}`);
}

/** Every e-mail to `to` so far (to check that none was sent). */
export async function mailsTo(to: string): Promise<OutboxMail[]> {
  const db = sql();
  try {
    return await db<OutboxMail[]>`
      select to_address, subject, text_body, created_at from email_outbox where to_address = ${to}`;
  } finally {
    await db.end();
  }
}

/** The token of the first `<origin>/<page>?token=...` link in a mail's text. */
export function tokenFromMail(mail: OutboxMail, page: 'verify' | 'reset'): string {
  const match = new RegExp(`https?://[^\\s]+/${page}\\?token=([A-Za-z0-9_%-]+)`).exec(
    mail.text_body,
  );
  const token = match?.[1];
  if (!token) throw new Error(`no /${page} link in: ${mail.text_body}`);
  return decodeURIComponent(token);
}

/** Signs in and returns the session body and refresh cookie. */
export async function signIn(
  email: string,
  password: string,
  options: { ip?: string; userAgent?: string } = {},
): Promise<{ accessToken: string; cookie: string; userId: string }> {
  const res = await call('/api/auth/login', {
    json: { email, password },
    ip: options.ip ?? randomIp(),
    headers: options.userAgent ? { 'User-Agent': options.userAgent } : undefined,
  });
  expect(res.status, await res.clone().text()).toBe(200);
  const cookie = refreshCookie(res);
  const body = await json<SessionBody>(res);
  return { accessToken: body.accessToken, cookie, userId: body.user.id };
}

/**
 * A fresh admin for the test: registered, promoted by SQL, then signed in so the access
 * token carries the admin role. Avoids the seeded admin, whose sign-ins are rate-limited
 * per account across the whole run.
 */
export async function createAdmin(): Promise<TestUser> {
  const user = await registerUser({ name: 'Test Admin' });
  const db = sql();
  await db`update users set role = 'admin' where id = ${user.id}`;
  await db.end();
  const session = await signIn(user.email, PASSWORD);
  return { ...user, accessToken: session.accessToken, cookie: session.cookie };
}

/** Runs one query on the test database and closes the connection. */
export async function query<T extends object>(
  run: (db: ReturnType<typeof sql>) => Promise<T[]>,
): Promise<T[]> {
  const db = sql();
  try {
    return await run(db);
  } finally {
    await db.end();
  }
}
