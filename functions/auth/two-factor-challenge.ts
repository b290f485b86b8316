import type { KeyValue } from '../platform/redis';
import { randomToken, sha256Hex } from '../platform/tokens';

/** How long the second sign-in step may wait after a correct password. */
export const TWO_FACTOR_CHALLENGE_TTL_SECONDS = 5 * 60;

/** What the login endpoint answers instead of a session when the account has 2FA on. */
export interface TwoFactorChallenge {
  twoFactorRequired: true;
  challengeToken: string;
  methods: Array<'totp' | 'recovery'>;
}

/** Redis key of a challenge: only its hash is stored, so a Redis dump reveals no live token. */
export async function twoFactorChallengeKey(token: string): Promise<string> {
  return `2fa:challenge:${await sha256Hex(token)}`;
}

/**
 * Starts the second sign-in step: a random single-use token bound to the user, living five
 * minutes in Redis. It is kept apart from two-factor.ts so that service.ts can use it without
 * an import cycle.
 */
export async function createTwoFactorChallenge(
  kv: KeyValue,
  userId: string,
): Promise<TwoFactorChallenge> {
  const challengeToken = randomToken(32);
  await kv.set(await twoFactorChallengeKey(challengeToken), userId, {
    ex: TWO_FACTOR_CHALLENGE_TTL_SECONDS,
  });
  return { twoFactorRequired: true, challengeToken, methods: ['totp', 'recovery'] };
}
