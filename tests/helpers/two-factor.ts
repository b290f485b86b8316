import { Secret, TOTP } from 'otpauth';
import { expect } from 'vitest';
import { call, json, type TestUser } from './api';

const PERIOD_MS = 30_000;

/** The RFC 6238 code of `secret` for the current step plus `offsetSteps`. */
export function totpCode(secret: string, offsetSteps = 0): string {
  return TOTP.generate({
    secret: Secret.fromBase32(secret),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    timestamp: Date.now() + offsetSteps * PERIOD_MS,
  });
}

/**
 * Waits (at most a few seconds) until the current 30 s step has time left, so that codes a
 * test computes are still in the step the server sees when the requests arrive.
 */
export async function awaitFreshStep(marginMs = 6_000): Promise<void> {
  const left = TOTP.remaining({ period: 30 });
  if (left < marginMs) await new Promise((resolve) => setTimeout(resolve, left + 200));
}

export interface Enrolment {
  secret: string;
  recoveryCodes: string[];
  otpauthUri: string;
}

/**
 * Enrols `user` in TOTP with the code of the previous step, which leaves the current and the
 * next step free for the test's own sign-ins (a step is accepted once only).
 */
export async function enrolTotp(user: TestUser): Promise<Enrolment> {
  await awaitFreshStep();
  const setup = await call('/api/auth/2fa/totp/setup', {
    method: 'POST',
    token: user.accessToken,
    ip: user.ip,
  });
  expect(setup.status, await setup.clone().text()).toBe(200);
  const { secret, otpauthUri } = await json<{ secret: string; otpauthUri: string }>(setup);
  const enable = await call('/api/auth/2fa/totp/enable', {
    json: { code: totpCode(secret, -1) },
    token: user.accessToken,
    ip: user.ip,
  });
  expect(enable.status, await enable.clone().text()).toBe(200);
  const { recoveryCodes } = await json<{ recoveryCodes: string[] }>(enable);
  return { secret, recoveryCodes, otpauthUri };
}

/** POST /api/auth/login with the user's password; returns the 2FA challenge token. */
export async function passwordStep(user: TestUser): Promise<string> {
  const res = await call('/api/auth/login', {
    json: { email: user.email, password: user.password },
    ip: user.ip,
  });
  expect(res.status, await res.clone().text()).toBe(200);
  const body = await json<{ twoFactorRequired?: boolean; challengeToken?: string }>(res);
  expect(body.twoFactorRequired).toBe(true);
  return body.challengeToken ?? '';
}
