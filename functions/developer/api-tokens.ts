import { and, count, desc, eq, gt, isNull, or } from 'drizzle-orm';
import { apiTokens, users } from '../../db/schema';
import type { RequestMeta } from '../auth/request-meta';
import type { Services } from '../platform/env';
import { ApiError } from '../platform/errors';
import { randomToken, sha256Hex } from '../platform/tokens';
import { recordEvent } from '../profile/audit';
import type { TokenCreate } from './schemas';
import { announceRevoked } from './token-auth';

/** Every personal API token starts with this, so secret scanners can recognise one. */
export const TOKEN_PREFIX = 'wbx_';
/** How many characters of a token listings show: the prefix and 8 random characters. */
const DISPLAY_LENGTH = TOKEN_PREFIX.length + 8;
/** Most unrevoked, unexpired tokens one account may hold. */
export const MAX_ACTIVE_TOKENS = 20;

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

/**
 * Revokes one of the caller's tokens at once; someone else's, or one already revoked, is 404.
 * After the commit, a Redis mark makes every isolate that cached the token refuse it.
 */
export async function revokeToken(
  services: Pick<Services, 'db' | 'kv' | 'logger'>,
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
  await announceRevoked(services, id);
}
