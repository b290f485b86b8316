import { and, count, desc, eq, ilike, isNull, or, type SQL } from 'drizzle-orm';
import { auditLog, sessions, users } from '../../db/schema';
import type { AuthContext, Services } from '../platform/env';
import { ApiError } from '../platform/errors';
import { markUserRevoked } from '../platform/revocation';

type UserRow = typeof users.$inferSelect;

/** A user as the admin pages see them: never the hash or the 2FA secret. */
export function toAdminUser(row: UserRow) {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    plan: row.plan,
    status: row.status,
    emailVerified: row.emailVerifiedAt !== null,
    twoFactorEnabled: row.totpEnabledAt !== null,
    createdAt: row.createdAt.toISOString(),
    disabledAt: row.disabledAt?.toISOString() ?? null,
  };
}

/** `%`, `_` and `\` typed by the admin are matched literally, not as ILIKE wildcards. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/** Users whose name or e-mail contains `query`, newest first, one page at a time. */
export async function listUsers(
  services: Services,
  input: { query?: string; status?: 'active' | 'disabled'; page: number; pageSize: number },
) {
  const filters: SQL[] = [];
  if (input.query) {
    const pattern = likePattern(input.query);
    const match = or(ilike(users.name, pattern), ilike(users.email, pattern));
    if (match) filters.push(match);
  }
  if (input.status) filters.push(eq(users.status, input.status));
  const where = filters.length > 0 ? and(...filters) : undefined;
  const [rows, totals] = await Promise.all([
    services.db
      .select()
      .from(users)
      .where(where)
      .orderBy(desc(users.createdAt), desc(users.id))
      .limit(input.pageSize)
      .offset((input.page - 1) * input.pageSize),
    services.db.select({ total: count() }).from(users).where(where),
  ]);
  return {
    items: rows.map(toAdminUser),
    page: input.page,
    pageSize: input.pageSize,
    total: totals[0]?.total ?? 0,
  };
}

/**
 * Disables an account: it can no longer sign in or refresh, every session is revoked, and
 * its access tokens stop working at once (Redis mark). An admin cannot disable themself.
 */
export async function disableUser(services: Services, admin: AuthContext, userId: string) {
  if (userId === admin.userId) {
    throw new ApiError('FORBIDDEN', 'You cannot disable your own account.');
  }
  const now = new Date();
  const user = await services.db.transaction(async (tx) => {
    const [current] = await tx.select().from(users).where(eq(users.id, userId)).limit(1);
    if (!current) throw new ApiError('NOT_FOUND', 'No user with this id.');
    if (current.status === 'disabled') return current;
    const [updated] = await tx
      .update(users)
      .set({ status: 'disabled', disabledAt: now, updatedAt: now })
      .where(eq(users.id, userId))
      .returning();
    await tx
      .update(sessions)
      .set({ revokedAt: now })
      .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)));
    await tx.insert(auditLog).values({
      userId,
      action: 'account.disabled',
      metadata: { by: admin.userId },
    });
    return updated ?? current;
  });
  // After the commit, so that no refresh can mint a token newer than the mark.
  await markUserRevoked(services.kv, userId);
  return toAdminUser(user);
}

/** Lets a disabled account sign in again (its old sessions stay revoked). */
export async function enableUser(services: Services, admin: AuthContext, userId: string) {
  const now = new Date();
  const user = await services.db.transaction(async (tx) => {
    const [current] = await tx.select().from(users).where(eq(users.id, userId)).limit(1);
    if (!current) throw new ApiError('NOT_FOUND', 'No user with this id.');
    if (current.status === 'active') return current;
    const [updated] = await tx
      .update(users)
      .set({ status: 'active', disabledAt: null, updatedAt: now })
      .where(eq(users.id, userId))
      .returning();
    await tx.insert(auditLog).values({
      userId,
      action: 'account.enabled',
      metadata: { by: admin.userId },
    });
    return updated ?? current;
  });
  return toAdminUser(user);
}
