import { and, count, desc, eq, gt, isNull, or, sql } from 'drizzle-orm';
import { apiTokens, users } from '../../db/schema';
import type { RequestMeta } from '../auth/request-meta';
import type { Services } from '../platform/env';
import { ApiError } from '../platform/errors';
import { randomToken, sha256Hex } from '../platform/tokens';
import { recordEvent } from '../profile/audit';
import type { TokenCreate } from './schemas';

/** Every personal API token starts with this, so secret scanners can recognise one. */
export const TOKEN_PREFIX = 'wbx_';
/** "wbx_" and 32 random bytes in base64url (43 characters). */
const TOKEN_PATTERN = /^wbx_[A-Za-z0-9_-]{43}$/;
/** How many characters of a token listings show: the prefix and 8 random characters. */
const DISPLAY_LENGTH = TOKEN_PREFIX.length + 8;
/** Most unrevoked, unexpired tokens one account may hold. */
export const MAX_ACTIVE_TOKENS = 20;
/** last_used_at is written at most this often per token, so busy clients cost no writes. */
const LAST_USED_RESOLUTION_MS = 60_000;

type TokenRow = typeof apiTokens.$inferSelect;

export interface TokenSummary {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  expired: boolean;
}

/** The listing shape: never the token, never its hash. */
function toSummary(row: TokenRow, now = new Date()): TokenSummary {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    expired: row.expiresAt !== null && row.expiresAt <= now,
  };
}

const isActive = (now: Date) =>
  and(isNull(apiTokens.revokedAt), or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now)));

/**
 * Issues a token and returns it once; only its SHA-256 is stored. The owner's row is locked
 * while counting, so two concurrent requests cannot both take the twentieth place.
 */
export async function createToken(
  services: Pick<Services, 'db'>,
  userId: string,
  input: TokenCreate,
  meta: RequestMeta,
): Promise<TokenSummary & { token: string }> {
  const token = `${TOKEN_PREFIX}${randomToken(32)}`;
  const tokenHash = await sha256Hex(token);
  const now = new Date();
  const expiresAt = input.expiresInDays
    ? new Date(now.getTime() + input.expiresInDays * 86_400_000)
    : null;
  return services.db.transaction(async (tx) => {
    await tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for('update');
    const [active] = await tx
      .select({ n: count() })
      .from(apiTokens)
      .where(and(eq(apiTokens.userId, userId), isActive(now)));
    if ((active?.n ?? 0) >= MAX_ACTIVE_TOKENS) {
      throw new ApiError(
        'CONFLICT',
        `You already have ${MAX_ACTIVE_TOKENS} active API tokens; revoke one before creating another.`,
      );
    }
    const [row] = await tx
      .insert(apiTokens)
      .values({
        userId,
        name: input.name,
        tokenHash,
        prefix: token.slice(0, DISPLAY_LENGTH),
        expiresAt,
      })
      .returning();
    if (!row) throw new Error('api_tokens insert returned no row');
    await recordEvent(tx, userId, 'api_token.created', meta, {
      name: row.name,
      prefix: row.prefix,
      expiresAt: row.expiresAt?.toISOString() ?? null,
    });
    return { ...toSummary(row, now), token };
  });
}

/** The caller's tokens that are not revoked (expired ones included, marked), newest first. */
export async function listTokens(
  services: Pick<Services, 'db'>,
  userId: string,
): Promise<TokenSummary[]> {
  const rows = await services.db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .orderBy(desc(apiTokens.createdAt));
  const now = new Date();
  return rows.map((row) => toSummary(row, now));
}

/** Revokes one of the caller's tokens at once; someone else's, or one already revoked, is 404. */
export async function revokeToken(
  services: Pick<Services, 'db'>,
  userId: string,
  id: string,
  meta: RequestMeta,
): Promise<void> {
  await services.db.transaction(async (tx) => {
    const [row] = await tx
      .update(apiTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(apiTokens.id, id), eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
      .returning({ name: apiTokens.name, prefix: apiTokens.prefix });
    if (!row) throw new ApiError('NOT_FOUND', 'You have no active API token with this id.');
    await recordEvent(tx, userId, 'api_token.revoked', meta, {
      name: row.name,
      prefix: row.prefix,
    });
  });
}

export interface TokenCaller {
  tokenId: string;
  userId: string;
}

const UNAUTHORIZED_HEADERS = { 'WWW-Authenticate': 'Bearer realm="webox-api"' };

function refuse(detail: string): ApiError {
  return new ApiError('UNAUTHORIZED', detail, { headers: UNAUTHORIZED_HEADERS });
}

/**
 * The owner of a presented token, or 401 when it is malformed, unknown, revoked, expired or
 * its account is disabled. Lookup is by SHA-256 of the whole token, so the comparison never
 * runs over the secret itself. Records when it was last used, at most once a minute, in the
 * same round trip.
 */
export async function authenticateToken(
  services: Pick<Services, 'db' | 'background'>,
  presented: string | undefined,
): Promise<TokenCaller> {
  if (!presented) {
    throw refuse('Send a WeBox API token as "Authorization: Bearer wbx_…".');
  }
  if (!TOKEN_PATTERN.test(presented)) throw refuse('This is not a valid WeBox API token.');
  const tokenHash = await sha256Hex(presented);
  const now = new Date();
  const cutoff = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
  // One round trip: the lookup, and the last-used mark (at most once a minute, usable tokens
  // only) in the same statement.
  const result = await services.db.execute<{
    id: string;
    user_id: string;
    revoked_at: string | null;
    expires_at: string | null;
    status: string;
  }>(sql`
    WITH token AS (
      SELECT t.id, t.user_id, t.revoked_at, t.expires_at, u.status
      FROM ${apiTokens} t JOIN ${users} u ON u.id = t.user_id
      WHERE t.token_hash = ${tokenHash} LIMIT 1
    ), touched AS (
      UPDATE ${apiTokens} SET last_used_at = ${now.toISOString()}
      WHERE id = (SELECT id FROM token WHERE status = 'active') AND revoked_at IS NULL
        AND (expires_at IS NULL OR expires_at > ${now.toISOString()})
        AND (last_used_at IS NULL OR last_used_at < ${cutoff.toISOString()})
      RETURNING id
    )
    SELECT token.*, (SELECT count(*) FROM touched) AS touched FROM token`);
  const [row] = Array.isArray(result) ? result : (result as { rows: (typeof result)[] }).rows;
  if (!row) throw refuse('This is not a valid WeBox API token.');
  if (row.revoked_at) throw refuse('This API token was revoked.');
  if (row.expires_at && new Date(row.expires_at) <= now)
    throw refuse('This API token has expired.');
  if (row.status !== 'active') throw refuse('The account of this API token is disabled.');
  return { tokenId: row.id, userId: row.user_id };
}
