import { and, eq, ne } from 'drizzle-orm';
import { isUniqueViolation } from '../../db/client';
import { users } from '../../db/schema';
import { consumeAuthToken, issueAuthToken, retireAuthTokens } from '../auth/one-time-tokens';
import type { RequestMeta } from '../auth/request-meta';
import type { Services } from '../platform/env';
import { ApiError } from '../platform/errors';
import { maskEmail, recordEvent } from './audit';
import { avatarUrl } from './avatar';
import { confirmNewEmailMail, emailChangeNoticeMail } from './mail';
import {
  DEFAULT_NOTIFICATION_PREFS,
  NOTIFICATION_KEYS,
  type NotificationPrefs,
  type ProfilePatch,
} from './schemas';

/** Links that confirm a new address stay valid for 48 hours. */
export const CHANGE_EMAIL_TTL_SECONDS = 48 * 3600;

type UserRow = typeof users.$inferSelect;

export interface Profile {
  id: string;
  email: string;
  name: string;
  locale: 'fr' | 'en';
  theme: 'system' | 'light' | 'dark';
  notificationPrefs: NotificationPrefs;
  avatarUrl: string | null;
  emailVerified: boolean;
  createdAt: string;
}

/** Stored choices over the defaults, keeping only the known channels. */
function notificationPrefsOf(stored: Record<string, boolean>): NotificationPrefs {
  const prefs = { ...DEFAULT_NOTIFICATION_PREFS };
  for (const key of NOTIFICATION_KEYS) {
    if (typeof stored[key] === 'boolean') prefs[key] = stored[key];
  }
  return prefs;
}

function toProfile(row: UserRow): Profile {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    locale: row.locale === 'en' ? 'en' : 'fr',
    theme: row.theme === 'light' || row.theme === 'dark' ? row.theme : 'system',
    notificationPrefs: notificationPrefsOf(row.notificationPrefs),
    avatarUrl: avatarUrl(row.avatarKey),
    emailVerified: row.emailVerifiedAt !== null,
    createdAt: row.createdAt.toISOString(),
  };
}

/** The caller's row, or 401 when the account is gone or disabled. */
export async function activeUser(services: Services, userId: string): Promise<UserRow> {
  const [row] = await services.db.select().from(users).where(eq(users.id, userId)).limit(1);
  if (row?.status !== 'active') {
    throw new ApiError('UNAUTHORIZED', 'This account is not available.');
  }
  return row;
}

/** The caller's profile. */
export async function getProfile(services: Services, userId: string): Promise<Profile> {
  return toProfile(await activeUser(services, userId));
}

/** Applies a partial update; notification choices merge into the stored ones. */
export async function updateProfile(
  services: Services,
  userId: string,
  patch: ProfilePatch,
  meta: RequestMeta,
): Promise<Profile> {
  const current = await activeUser(services, userId);
  const changes: Partial<typeof users.$inferInsert> = { updatedAt: new Date() };
  if (patch.name !== undefined) changes.name = patch.name;
  if (patch.locale !== undefined) changes.locale = patch.locale;
  if (patch.theme !== undefined) changes.theme = patch.theme;
  if (patch.notificationPrefs !== undefined) {
    changes.notificationPrefs = {
      ...notificationPrefsOf(current.notificationPrefs),
      ...patch.notificationPrefs,
    };
  }
  const updated = await services.db.transaction(async (tx) => {
    const [row] = await tx.update(users).set(changes).where(eq(users.id, userId)).returning();
    if (!row) throw new ApiError('UNAUTHORIZED', 'This account is not available.');
    await recordEvent(tx, userId, 'profile.updated', meta, {
      fields: Object.keys(patch).sort().join(','),
    });
    return row;
  });
  return toProfile(updated);
}

/**
 * Starts an address change: a single-use link goes to the new address and a notice to the
 * current one. An address that belongs to another account gets the same answer and the same
 * mail, so this cannot be used to find out who is registered; confirming is where it fails.
 */
export async function requestEmailChange(
  services: Services,
  userId: string,
  newEmail: string,
  meta: RequestMeta,
): Promise<void> {
  const user = await activeUser(services, userId);
  if (newEmail === user.email) {
    throw new ApiError('VALIDATION_FAILED', 'body.newEmail: This is already your address.', {
      issues: [{ path: 'body.newEmail', message: 'This is already your address' }],
    });
  }
  const token = await services.db.transaction(async (tx) => {
    const token = await issueAuthToken(tx, userId, 'change_email', CHANGE_EMAIL_TTL_SECONDS, {
      replace: true,
      newEmail,
    });
    await recordEvent(tx, userId, 'email.change_requested', meta, { to: maskEmail(newEmail) });
    return token;
  });
  const { appOrigin } = services.config;
  const link = `${appOrigin}/confirm-email?token=${encodeURIComponent(token)}`;
  services.background(
    services.mailer.send(confirmNewEmailMail(newEmail, user.name, user.locale, link)),
  );
  services.background(
    services.mailer.send(
      emailChangeNoticeMail(user.email, user.name, user.locale, maskEmail(newEmail), appOrigin),
    ),
  );
}

const emailTaken = () =>
  new ApiError(
    'EMAIL_TAKEN',
    'Another account now uses this address, so it cannot become yours. Nothing was changed.',
  );

/**
 * Confirms an address change with the e-mailed token. Everything happens in one transaction:
 * if the address was taken in the meantime the unique index refuses it, the transaction rolls
 * back and nothing changes (the token stays unused). Links mailed to the old address for
 * verification or password reset stop working.
 */
export async function confirmEmailChange(
  services: Services,
  token: string,
  meta: RequestMeta,
): Promise<{ email: string; emailVerified: true }> {
  try {
    return await services.db.transaction(async (tx) => {
      const { userId, newEmail } = await consumeAuthToken(tx, 'change_email', token);
      const [user] = await tx.select().from(users).where(eq(users.id, userId)).for('update');
      if (!newEmail || user?.status !== 'active') {
        throw new ApiError('TOKEN_INVALID', 'This link is no longer valid. Ask for a new one.');
      }
      const [other] = await tx
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.email, newEmail), ne(users.id, userId)))
        .limit(1);
      if (other) throw emailTaken();
      const now = new Date();
      await tx
        .update(users)
        .set({ email: newEmail, emailVerifiedAt: now, updatedAt: now })
        .where(eq(users.id, userId));
      await retireAuthTokens(tx, userId, 'verify_email');
      await retireAuthTokens(tx, userId, 'reset_password');
      await retireAuthTokens(tx, userId, 'change_email');
      await recordEvent(tx, userId, 'email.changed', meta, {
        from: maskEmail(user.email),
        to: maskEmail(newEmail),
      });
      return { email: newEmail, emailVerified: true as const };
    });
  } catch (err) {
    if (isUniqueViolation(err, 'users_email_key')) throw emailTaken();
    throw err;
  }
}
