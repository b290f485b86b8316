import { and, count, countDistinct, desc, eq, gt, inArray, isNull, like, sql } from 'drizzle-orm';
import { aiKeys, auditLog, passkeys, sessions, users } from '../../db/schema';
import { decodeCursor, encodeCursor } from '../platform/cursor';
import type { Services } from '../platform/env';
import { ApiError } from '../platform/errors';

/**
 * Audit actions that start a session. Every sign-in method is audited as login.succeeded
 * (with the method in its metadata); registering signs the new account in too.
 */
const SIGN_IN_ACTIONS = ['login.succeeded', 'account.created'];
/** Failed sign-ins: login.failed, login.2fa_failed and any later login.<step>_failed. */
const FAILED_SIGN_IN_PATTERN = 'login.%failed';

export interface ProfileStats {
  memberSince: string;
  activeSessions: number;
  passkeys: number;
  aiKeys: number;
  twoFactorEnabled: boolean;
  lastSignInAt: string | null;
  signInsLast30Days: number;
  failedSignInsLast30Days: number;
}

/** The account's figures, all read from Postgres. */
export async function getStats(services: Services, userId: string): Promise<ProfileStats> {
  const { db } = services;
  const since = new Date(Date.now() - 30 * 24 * 3600 * 1000);
  const [user] = await db
    .select({ createdAt: users.createdAt, totpEnabledAt: users.totpEnabledAt })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  if (!user) throw new ApiError('UNAUTHORIZED', 'This account is not available.');
  const [active] = await db
    .select({ n: countDistinct(sessions.familyId) })
    .from(sessions)
    .where(
      and(
        eq(sessions.userId, userId),
        isNull(sessions.revokedAt),
        isNull(sessions.rotatedAt),
        gt(sessions.expiresAt, new Date()),
      ),
    );
  const [keys] = await db.select({ n: count() }).from(aiKeys).where(eq(aiKeys.userId, userId));
  const [devices] = await db
    .select({ n: count() })
    .from(passkeys)
    .where(eq(passkeys.userId, userId));
  const signIn = inArray(auditLog.action, SIGN_IN_ACTIONS);
  const recent = gt(auditLog.createdAt, since);
  const [events] = await db
    .select({
      lastSignInAt: sql<string | null>`max(${auditLog.createdAt}) filter (where ${signIn})`,
      signIns: sql<number>`count(*) filter (where ${and(signIn, recent)})`.mapWith(Number),
      failed: sql<number>`count(*) filter (where ${and(
        like(auditLog.action, FAILED_SIGN_IN_PATTERN),
        recent,
      )})`.mapWith(Number),
    })
    .from(auditLog)
    .where(eq(auditLog.userId, userId));
  return {
    memberSince: user.createdAt.toISOString(),
    activeSessions: active?.n ?? 0,
    passkeys: devices?.n ?? 0,
    aiKeys: keys?.n ?? 0,
    twoFactorEnabled: user.totpEnabledAt !== null,
    lastSignInAt: events?.lastSignInAt ? new Date(events.lastSignInAt).toISOString() : null,
    signInsLast30Days: events?.signIns ?? 0,
    failedSignInsLast30Days: events?.failed ?? 0,
  };
}

/** "Firefox on Linux", "Safari on iOS", "curl": enough to recognise a device at a glance. */
export function shortDevice(userAgent: string | null): string | null {
  if (!userAgent) return null;
  const ua = userAgent;
  const browser = /Edg(e|A|iOS)?\//.test(ua)
    ? 'Edge'
    : /OPR\//.test(ua)
      ? 'Opera'
      : /Firefox\/|FxiOS\//.test(ua)
        ? 'Firefox'
        : /Chrome\/|CriOS\/|Chromium\//.test(ua)
          ? 'Chrome'
          : /Safari\//.test(ua)
            ? 'Safari'
            : null;
  const os = /Windows/.test(ua)
    ? 'Windows'
    : /iPhone|iPad|iPod/.test(ua)
      ? 'iOS'
      : /Android/.test(ua)
        ? 'Android'
        : /CrOS/.test(ua)
          ? 'ChromeOS'
          : /Mac OS X|Macintosh/.test(ua)
            ? 'macOS'
            : /Linux/.test(ua)
              ? 'Linux'
              : null;
  if (browser && os) return `${browser} on ${os}`;
  if (browser || os) return browser ?? os;
  const product = /^[A-Za-z][\w.-]*/.exec(ua.trim());
  return (product?.[0] ?? ua.trim()).slice(0, 40) || null;
}

/** Metadata keys that could hold a secret are never shown, whatever wrote them. */
const SECRET_KEY = /secret|token|password|hash|cipher|api_?key|otp|code|credential|sealed/i;

type Scalar = string | number | boolean | null;

/** Only scalar, non-secret metadata, with long strings cut, reaches the activity log. */
export function publicMetadata(metadata: Record<string, unknown>): Record<string, Scalar> {
  const out: Record<string, Scalar> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (SECRET_KEY.test(key)) continue;
    if (typeof value === 'string') out[key] = value.slice(0, 200);
    else if (typeof value === 'number' || typeof value === 'boolean' || value === null) {
      out[key] = value;
    }
  }
  return out;
}

export interface ActivityEvent {
  id: string;
  action: string;
  at: string;
  ip: string | null;
  device: string | null;
  metadata: Record<string, Scalar>;
}

/**
 * The caller's audit events, newest first, a page at a time. The cursor carries the exact
 * Postgres timestamp (microseconds) and the id, so events in the same millisecond are
 * neither skipped nor repeated.
 */
export async function listActivity(
  services: Services,
  userId: string,
  options: { cursor?: string; limit: number },
): Promise<{ items: ActivityEvent[]; nextCursor: string | null }> {
  const cursor = options.cursor ? decodeCursor(options.cursor) : null;
  const rows = await services.db
    .select({
      id: auditLog.id,
      action: auditLog.action,
      createdAt: auditLog.createdAt,
      exactAt: sql<string>`${auditLog.createdAt}::text`,
      ip: auditLog.ip,
      userAgent: auditLog.userAgent,
      metadata: auditLog.metadata,
    })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.userId, userId),
        cursor
          ? sql`(${auditLog.createdAt}, ${auditLog.id}) < (${cursor.at}::timestamptz, ${cursor.id}::uuid)`
          : undefined,
      ),
    )
    .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
    .limit(options.limit + 1);
  const page = rows.slice(0, options.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((row) => ({
      id: row.id,
      action: row.action,
      at: row.createdAt.toISOString(),
      ip: row.ip,
      device: shortDevice(row.userAgent),
      metadata: publicMetadata(row.metadata),
    })),
    nextCursor:
      rows.length > options.limit && last ? encodeCursor({ at: last.exactAt, id: last.id }) : null,
  };
}
