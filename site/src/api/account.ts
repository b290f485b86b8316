import type { SessionSummary } from '../../../functions/auth/sessions';
import { bearer, client, sendJson, sendOk } from './client';

/** Whether the signed-in user's address is confirmed. */
export interface VerificationStatus {
  emailVerified: boolean;
  email: string;
  required: boolean;
}

/** One signed-in device as the sessions list shows it. */
export type { SessionSummary };

export async function verificationStatus(accessToken: string): Promise<VerificationStatus> {
  return await sendJson(() =>
    client.api.auth['verification-status'].$get(undefined, bearer(accessToken)),
  );
}

/** Sends a new confirmation link to the signed-in user. */
export async function resendVerification(accessToken: string): Promise<void> {
  await sendOk(() => client.api.auth['verify-email'].resend.$post(undefined, bearer(accessToken)));
}

/** Asks for a new confirmation link without being signed in (same answer for any address). */
export async function requestVerification(email: string): Promise<void> {
  await sendOk(() => client.api.auth['verify-email'].request.$post({ json: { email } }));
}

/** Confirms an address with the token from the e-mailed link. */
export async function verifyEmail(token: string): Promise<{ email: string }> {
  return await sendJson(() => client.api.auth['verify-email'].$post({ json: { token } }));
}

/** Asks for a password-reset link (same answer for any address). */
export async function forgotPassword(email: string): Promise<void> {
  await sendOk(() => client.api.auth['forgot-password'].$post({ json: { email } }));
}

/** Sets a new password with the token from the e-mailed link. */
export async function resetPassword(token: string, password: string): Promise<void> {
  await sendOk(() => client.api.auth['reset-password'].$post({ json: { token, password } }));
}

/** Changes the password; returns how many other sessions were signed out. */
export async function changePassword(
  accessToken: string,
  input: { currentPassword: string; newPassword: string; signOutOtherSessions: boolean },
): Promise<{ otherSessionsRevoked: number }> {
  return await sendJson(() =>
    client.api.auth['change-password'].$post({ json: input }, bearer(accessToken)),
  );
}

export async function listSessions(accessToken: string): Promise<SessionSummary[]> {
  return (await sendJson(() => client.api.auth.sessions.$get(undefined, bearer(accessToken))))
    .items;
}

/** Signs one of the user's devices out. */
export async function revokeSession(accessToken: string, id: string): Promise<void> {
  await sendOk(() =>
    client.api.auth.sessions[':id'].$delete({ param: { id } }, bearer(accessToken)),
  );
}

/** Signs out every device but this one; returns how many. */
export async function revokeOtherSessions(accessToken: string): Promise<number> {
  return (
    await sendJson(() =>
      client.api.auth.sessions['revoke-others'].$post(undefined, bearer(accessToken)),
    )
  ).revoked;
}
