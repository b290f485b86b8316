import {
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
  startAuthentication,
  startRegistration,
  WebAuthnAbortService,
} from '@simplewebauthn/browser';
import { type AuthSession, bearer, client, problemFrom, send, sendJson, sendOk } from './client';

/** Whether two-factor sign-in is on for the signed-in user. */
export interface TwoFactorStatus {
  enabled: boolean;
  enabledAt: string | null;
  recoveryCodesLeft: number;
}

/** A passkey as listed on the security page. */
export interface Passkey {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  deviceType: 'singleDevice' | 'multiDevice';
  backedUp: boolean;
}

/** Either a code from the authenticator app or a recovery code. */
export type SecondFactor = { code: string } | { recoveryCode: string };

export async function twoFactorStatus(accessToken: string): Promise<TwoFactorStatus> {
  return await sendJson(() => client.api.auth['2fa'].$get(undefined, bearer(accessToken)));
}

/** Starts enrolment: a new secret (not active until `enableTotp`). */
export async function setupTotp(
  accessToken: string,
): Promise<{ otpauthUri: string; secret: string }> {
  return await sendJson(() =>
    client.api.auth['2fa'].totp.setup.$post(undefined, bearer(accessToken)),
  );
}

/** Turns 2FA on with the first code; returns the recovery codes (shown once). */
export async function enableTotp(
  accessToken: string,
  code: string,
): Promise<{ recoveryCodes: string[] }> {
  return await sendJson(() =>
    client.api.auth['2fa'].totp.enable.$post({ json: { code } }, bearer(accessToken)),
  );
}

export async function disableTotp(
  accessToken: string,
  input: { password: string } & SecondFactor,
): Promise<void> {
  await sendOk(() =>
    client.api.auth['2fa'].totp.disable.$post({ json: input }, bearer(accessToken)),
  );
}

export async function regenerateRecoveryCodes(
  accessToken: string,
  factor: SecondFactor,
): Promise<{ recoveryCodes: string[] }> {
  return await sendJson(() =>
    client.api.auth['2fa']['recovery-codes'].$post({ json: factor }, bearer(accessToken)),
  );
}

/**
 * Proves the user's identity again (ten minutes of sensitive changes); with 2FA on, the
 * API also wants a code.
 */
export async function reauthenticate(
  accessToken: string,
  input: { password: string } & Partial<SecondFactor>,
): Promise<void> {
  await sendOk(() => client.api.auth.reauthenticate.$post({ json: input }, bearer(accessToken)));
}

/**
 * What the user typed in a code field, as the API wants it: six digits are a code from the
 * app, anything else is taken for a recovery code.
 */
export function factorFrom(input: string): SecondFactor {
  const compact = input.replace(/\s+/g, '');
  return /^\d{6}$/.test(compact) ? { code: compact } : { recoveryCode: input.trim() };
}

/** The second sign-in step (the server sets the refresh cookie). */
export async function loginSecondStep(
  challengeToken: string,
  factor: SecondFactor,
): Promise<AuthSession> {
  return await sendJson(() =>
    client.api.auth.login['2fa'].$post({ json: { challengeToken, ...factor } }),
  );
}

export async function listPasskeys(accessToken: string): Promise<Passkey[]> {
  return (await sendJson(() => client.api.auth.passkeys.$get(undefined, bearer(accessToken))))
    .items;
}

/** A failure of the browser's WebAuthn prompt (cancelled, timed out, not supported). */
export class PasskeyPromptError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'PasskeyPromptError';
  }
}

async function prompt<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new PasskeyPromptError(error);
  }
}

/** Creates a passkey with the browser and registers it on the account. */
export async function addPasskey(accessToken: string, name?: string): Promise<Passkey> {
  const optionsRes = await send(() =>
    client.api.auth.passkeys.register.options.$post(undefined, bearer(accessToken)),
  );
  if (!optionsRes.ok) throw await problemFrom(optionsRes);
  const optionsJSON = await optionsRes.json();
  const response: RegistrationResponseJSON = await prompt(() => startRegistration({ optionsJSON }));
  return await sendJson(() =>
    client.api.auth.passkeys.register.verify.$post(
      { json: { response, ...(name ? { name } : {}) } },
      bearer(accessToken),
    ),
  );
}

export async function renamePasskey(accessToken: string, id: string, name: string) {
  return await sendJson(() =>
    client.api.auth.passkeys[':id'].$patch({ param: { id }, json: { name } }, bearer(accessToken)),
  );
}

export async function removePasskey(accessToken: string, id: string): Promise<void> {
  await sendOk(() =>
    client.api.auth.passkeys[':id'].$delete({ param: { id } }, bearer(accessToken)),
  );
}

/** Signs in with a passkey the browser holds for this site (the server sets the cookie). */
export async function passkeyLogin(): Promise<AuthSession> {
  const optionsRes = await send(() => client.api.auth.passkeys.login.options.$post({ json: {} }));
  if (!optionsRes.ok) throw await problemFrom(optionsRes);
  const { challengeId, options } = await optionsRes.json();
  const response: AuthenticationResponseJSON = await prompt(() =>
    startAuthentication({ optionsJSON: options }),
  );
  return await sendJson(() =>
    client.api.auth.passkeys.login.verify.$post({ json: { challengeId, response } }),
  );
}

/** Cancels a pending browser passkey prompt (when the page goes away). */
export function cancelPasskeyPrompt(): void {
  WebAuthnAbortService.cancelCeremony();
}
