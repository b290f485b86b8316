import { and, eq, gt, isNull } from 'drizzle-orm';
import type { Database, Transaction } from '../../db/client';
import { authTokens } from '../../db/schema';
import { ApiError } from '../platform/errors';
import { randomToken, sha256Hex } from '../platform/tokens';

/** What an e-mailed token proves; the enum of auth_tokens.purpose. */
export type AuthTokenPurpose = (typeof authTokens.$inferSelect)['purpose'];

/** E-mail verification links stay valid for 48 hours. */
export const VERIFY_EMAIL_TTL_SECONDS = 48 * 3600;
/** Password-reset links stay valid for one hour. */
export const RESET_PASSWORD_TTL_SECONDS = 3600;

type Executor = Database | Transaction;

/**
 * Creates a single-use token for a user and returns it (it goes in the e-mail; only its
 * SHA-256 is stored). With `replace`, the user's unused tokens of the same purpose die, so
 * only the newest link works (password reset).
 */
export async function issueAuthToken(
  db: Executor,
  userId: string,
  purpose: AuthTokenPurpose,
  ttlSeconds: number,
  options: { replace?: boolean; newEmail?: string } = {},
): Promise<string> {
  const token = randomToken(32);
  if (options.replace) await retireAuthTokens(db, userId, purpose);
  await db.insert(authTokens).values({
    userId,
    purpose,
    tokenHash: await sha256Hex(token),
    newEmail: options.newEmail ?? null,
    expiresAt: new Date(Date.now() + ttlSeconds * 1000),
  });
  return token;
}

/** Marks every unused token of a purpose as used (after a reset, or before a new one). */
export async function retireAuthTokens(
  db: Executor,
  userId: string,
  purpose: AuthTokenPurpose,
): Promise<void> {
  await db
    .update(authTokens)
    .set({ usedAt: new Date() })
    .where(
      and(
        eq(authTokens.userId, userId),
        eq(authTokens.purpose, purpose),
        isNull(authTokens.usedAt),
      ),
    );
}

const invalidToken = () =>
  new ApiError(
    'TOKEN_INVALID',
    'This link is invalid, has expired or was already used. Ask for a new one.',
  );

/**
 * Spends a token inside the caller's transaction: the row is marked used only if it is
 * unused, unexpired and of this purpose, in one conditional UPDATE, so two concurrent uses
 * cannot both succeed. Unknown, forged, expired and used tokens all give the same 400.
 */
export async function consumeAuthToken(
  tx: Transaction,
  purpose: AuthTokenPurpose,
  token: string,
): Promise<{ userId: string; newEmail: string | null }> {
  const [row] = await tx
    .update(authTokens)
    .set({ usedAt: new Date() })
    .where(
      and(
        eq(authTokens.tokenHash, await sha256Hex(token)),
        eq(authTokens.purpose, purpose),
        isNull(authTokens.usedAt),
        gt(authTokens.expiresAt, new Date()),
      ),
    )
    .returning({ userId: authTokens.userId, newEmail: authTokens.newEmail });
  if (!row) throw invalidToken();
  return row;
}

/** Checks a token without spending it, so slow work (hashing a password) can run first. */
export async function peekAuthToken(
  db: Executor,
  purpose: AuthTokenPurpose,
  token: string,
): Promise<{ userId: string }> {
  const [row] = await db
    .select({ userId: authTokens.userId })
    .from(authTokens)
    .where(
      and(
        eq(authTokens.tokenHash, await sha256Hex(token)),
        eq(authTokens.purpose, purpose),
        isNull(authTokens.usedAt),
        gt(authTokens.expiresAt, new Date()),
      ),
    )
    .limit(1);
  if (!row) throw invalidToken();
  return row;
}
