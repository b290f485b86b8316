import { and, eq, isNull, lt, or } from 'drizzle-orm';
import type { Database } from '../../db/client';
import { apiTokens, users } from '../../db/schema';
import type { Secrets, Services } from '../platform/env';
import { ApiError } from '../platform/errors';
import { type Prefetch, preflight } from '../platform/preflight';
import type { RateLimitResult, RateLimitRule } from '../platform/rate-limit';
import { apiTokenKey, markApiTokenRevoked, userKey } from '../platform/revocation';
import { sha256Hex } from '../platform/tokens';

/**
 * API tokens are checked without Postgres on the hot path (issue 13): an isolate keeps the
 * record it read for TOKEN_CACHE_TTL_MS, and every use reads the token's revocation mark and
 * its owner's account mark from Redis, in the one round trip that also counts the rate limit.
 *
 * Staleness: a token revoked through the API, or whose account is disabled (or whose
 * password is reset), is refused by every isolate from the moment the mark is written, right
 * after the commit (milliseconds). Only a change Redis never heard of (a row edited or
 * deleted in SQL, or a mark lost while Redis was unreachable) waits for the cached copy to
 * expire: at most TOKEN_CACHE_TTL_MS (15 s). When Redis cannot be asked, the token is checked
 * in Postgres instead: slower, never looser.
 */
export const TOKEN_CACHE_TTL_MS = 15_000;
/** A revocation mark outlives every cached copy of the record, by a wide margin. */
export const TOKEN_MARK_SECONDS = TOKEN_CACHE_TTL_MS / 1000 + 60;
/** Records one isolate keeps at most (oldest dropped first), so garbage cannot grow it. */
const MAX_CACHED = 5_000;
/**
 * An account mark written up to this long before a record was read still makes the record be
 * read again: the isolate that wrote the mark may run on a clock a little ahead of this one.
 */
const CLOCK_MARGIN_MS = 5_000;
/** last_used_at is written at most this often per token, so busy clients cost no writes. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** "wbx_" and 32 random bytes in base64url (43 characters). */
const TOKEN_PATTERN = /^wbx_[A-Za-z0-9_-]{43}$/;

/** A usable token as an isolate remembers it (never the token itself: it is keyed by hash). */
interface TokenRecord {
  tokenId: string;
  userId: string;
  expiresAt: number | null;
  /** When this copy was read from Postgres (this isolate's clock). */
  loadedAt: number;
  /** When last_used_at was last written or read, so the next write waits a minute. */
  usedAt: number | null;
}

const records = new Map<string, TokenRecord>();

function remember(hash: string, record: TokenRecord): void {
  records.delete(hash);
  records.set(hash, record);
  if (records.size > MAX_CACHED) {
    const oldest = records.keys().next().value;
    if (oldest !== undefined) records.delete(oldest);
  }
}

function cached(hash: string, now: number): TokenRecord | undefined {
  const record = records.get(hash);
  if (record && now - record.loadedAt < TOKEN_CACHE_TTL_MS) return record;
  if (record) records.delete(hash);
  return undefined;
}

const UNAUTHORIZED_HEADERS = { 'WWW-Authenticate': 'Bearer realm="webox-api"' };

function refuse(detail: string): ApiError {
  return new ApiError('UNAUTHORIZED', detail, { headers: UNAUTHORIZED_HEADERS });
}

function assertUnexpired(record: Pick<TokenRecord, 'expiresAt'>, now: number): void {
  if (record.expiresAt !== null && record.expiresAt <= now) {
    throw refuse('This API token has expired.');
  }
}

/** What a token check reads: the token's own columns and its owner's status. */
const TOKEN_COLUMNS = {
  id: apiTokens.id,
  userId: apiTokens.userId,
  revokedAt: apiTokens.revokedAt,
  expiresAt: apiTokens.expiresAt,
  lastUsedAt: apiTokens.lastUsedAt,
  status: users.status,
};

/** One Postgres read: the token by hash with its owner's status; 401 unless it is usable. */
async function loadToken(db: Database, hash: string): Promise<TokenRecord> {
  const [row] = await db
    .select(TOKEN_COLUMNS)
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(eq(apiTokens.tokenHash, hash))
    .limit(1);
  const now = Date.now();
  if (!row) throw refuse('This is not a valid WeBox API token.');
  if (row.revokedAt) throw refuse('This API token was revoked.');
  const record: TokenRecord = {
    tokenId: row.id,
    userId: row.userId,
    expiresAt: row.expiresAt?.getTime() ?? null,
    loadedAt: now,
    usedAt: row.lastUsedAt?.getTime() ?? null,
  };
  assertUnexpired(record, now);
  if (row.status !== 'active') throw refuse('The account of this API token is disabled.');
  return record;
}

export interface TokenCaller {
  tokenId: string;
  userId: string;
}

export interface TokenCheck {
  caller: TokenCaller;
  /** The rate limit asked for, counted with the marks; absent when Redis did not answer. */
  limit?: RateLimitResult;
  /**
   * Writes last_used_at when a minute has passed since it was last written, or resolves at
   * once; start it after the response (services.background), never before the first byte.
   */
  touch(): Promise<void>;
}

/**
 * The owner of a presented token, or 401 when it is malformed, unknown, revoked, expired or
 * its account is disabled. Lookup is by SHA-256 of the whole token, so no comparison runs
 * over the secret itself. Warm, this costs one Redis round trip (the marks, plus `limit` and
 * `prefetch` read alongside) and no Postgres; cold, one Postgres read before it.
 */
export async function authenticateToken(
  services: Pick<Services, 'db' | 'kv' | 'logger'> & {
    secrets: Pick<Secrets, 'RATE_LIMIT_MULTIPLIER'>;
  },
  presented: string | undefined,
  options: { limit?: RateLimitRule; prefetch?: readonly Prefetch[] } = {},
): Promise<TokenCheck> {
  if (!presented) {
    throw refuse('Send a WeBox API token as "Authorization: Bearer wbx_…".');
  }
  if (!TOKEN_PATTERN.test(presented)) throw refuse('This is not a valid WeBox API token.');
  const hash = await sha256Hex(presented);
  const now = Date.now();
  const warm = cached(hash, now);
  if (warm) assertUnexpired(warm, now);
  let record = warm ?? (await loadToken(services.db, hash));
  const checked = await preflight(services.kv, {
    marks: [apiTokenKey(record.tokenId), userKey(record.userId)],
    limit: options.limit && {
      rule: options.limit,
      subject: record.userId,
      multiplier: services.secrets.RATE_LIMIT_MULTIPLIER,
    },
    prefetch: options.prefetch,
  }).catch((error: unknown) => {
    // The marks could not be read: only Postgres can say the token still stands.
    services.logger.warn('api token marks unreadable; checking Postgres', { error });
    return null;
  });
  if (!checked) {
    records.delete(hash);
    if (warm) record = await loadToken(services.db, hash);
  } else {
    const [revoked, accountChanged] = checked.marks;
    if (revoked !== null && revoked !== undefined) {
      records.delete(hash);
      throw refuse('This API token was revoked.');
    }
    // The account changed since this copy was read (disabled, password reset): ask Postgres.
    const changed =
      accountChanged !== null &&
      accountChanged !== undefined &&
      Number(accountChanged) >= record.loadedAt - CLOCK_MARGIN_MS;
    if (warm && changed) {
      records.delete(hash);
      record = await loadToken(services.db, hash);
    }
    remember(hash, record);
  }
  const used = record;
  return {
    caller: { tokenId: used.tokenId, userId: used.userId },
    limit: checked?.limit,
    touch: () => touchToken(services.db, used),
  };
}

/**
 * Records the use, at most once a minute per token: this isolate skips the write inside the
 * minute, and the statement itself changes nothing when another isolate wrote within it.
 */
async function touchToken(db: Database, record: TokenRecord): Promise<void> {
  const now = Date.now();
  if (record.usedAt !== null && now - record.usedAt < LAST_USED_RESOLUTION_MS) return;
  record.usedAt = now;
  const at = new Date(now);
  await db
    .update(apiTokens)
    .set({ lastUsedAt: at })
    .where(
      and(
        eq(apiTokens.id, record.tokenId),
        isNull(apiTokens.revokedAt),
        or(
          isNull(apiTokens.lastUsedAt),
          lt(apiTokens.lastUsedAt, new Date(now - LAST_USED_RESOLUTION_MS)),
        ),
      ),
    );
}

/**
 * Marks a revoked token in Redis so that isolates holding its record refuse it at once. A
 * failed write is logged, not thrown: the revocation is committed, and cached copies expire
 * within TOKEN_CACHE_TTL_MS.
 */
export async function announceRevoked(
  services: Pick<Services, 'kv' | 'logger'>,
  tokenId: string,
): Promise<void> {
  await markApiTokenRevoked(services.kv, tokenId, TOKEN_MARK_SECONDS).catch((error: unknown) => {
    services.logger.error('api token revocation mark not written', { error, tokenId });
  });
}
