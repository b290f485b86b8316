import { and, desc, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import { sessions } from '../../db/schema';
import type { AuthContext, Services } from '../platform/env';
import { ApiError } from '../platform/errors';
import { describeDevice } from './device';
import { revokeFamily } from './service';

/** One signed-in device (a session family) as the sessions list shows it. */
export interface SessionSummary {
  id: string;
  device: string;
  userAgent: string | null;
  location: string | null;
  ip: string | null;
  method: string;
  createdAt: string;
  lastUsedAt: string;
  current: boolean;
}

/** The live session families of a user, with the newest token row of each. */
async function liveFamilies(services: Services, userId: string) {
  // DISTINCT ON keeps the newest row per family; the windows look across all its rows.
  return services.db
    .selectDistinctOn([sessions.familyId], {
      familyId: sessions.familyId,
      userAgent: sessions.userAgent,
      ip: sessions.ip,
      location: sessions.location,
      method: sessions.method,
      firstAt:
        sql<Date>`min(${sessions.createdAt}) over (partition by ${sessions.familyId})`.mapWith(
          sessions.createdAt,
        ),
      lastUsedAt:
        sql<Date>`max(${sessions.lastUsedAt}) over (partition by ${sessions.familyId})`.mapWith(
          sessions.lastUsedAt,
        ),
    })
    .from(sessions)
    .where(
      and(
        eq(sessions.userId, userId),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, new Date()),
      ),
    )
    .orderBy(sessions.familyId, desc(sessions.createdAt));
}

/** The caller's signed-in devices, most recently used first; the caller's own is marked. */
export async function listSessions(
  services: Services,
  auth: AuthContext,
): Promise<SessionSummary[]> {
  const rows = await liveFamilies(services, auth.userId);
  return rows
    .map((row) => ({
      id: row.familyId,
      device: describeDevice(row.userAgent),
      userAgent: row.userAgent,
      location: row.location,
      ip: row.ip,
      method: row.method,
      createdAt: row.firstAt.toISOString(),
      lastUsedAt: row.lastUsedAt.toISOString(),
      current: row.familyId === auth.sessionId,
    }))
    .sort((a, b) =>
      a.current === b.current ? b.lastUsedAt.localeCompare(a.lastUsedAt) : a.current ? -1 : 1,
    );
}

/**
 * Signs one of the caller's devices out. A family that is not the caller's, or is unknown
 * or already ended, is a 404 and nothing changes.
 */
export async function revokeSession(
  services: Services,
  auth: AuthContext,
  familyId: string,
): Promise<void> {
  const [row] = await services.db
    .select({ familyId: sessions.familyId })
    .from(sessions)
    .where(
      and(
        eq(sessions.familyId, familyId),
        eq(sessions.userId, auth.userId),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, new Date()),
      ),
    )
    .limit(1);
  if (!row) throw new ApiError('NOT_FOUND', 'No active session with this id.');
  await revokeFamily(services, row.familyId, 'session.revoked');
}

/** Signs out every device of the user except the caller's; returns how many were ended. */
export async function revokeOtherSessions(
  services: Services,
  userId: string,
  keepFamilyId: string,
): Promise<number> {
  const others = await services.db
    .selectDistinct({ familyId: sessions.familyId })
    .from(sessions)
    .where(
      and(
        eq(sessions.userId, userId),
        ne(sessions.familyId, keepFamilyId),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, new Date()),
      ),
    );
  for (const row of others) await revokeFamily(services, row.familyId, 'session.revoked');
  return others.length;
}
