import { expect } from 'vitest';
import { call, json, refreshCookie, type SessionBody } from './api';

/**
 * Asserts a finished sign-in, whatever the method: 200, the expected user, the refresh cookie
 * and an access token the API accepts.
 */
export async function expectSignedIn(res: Response, userId: string): Promise<SessionBody> {
  expect(res.status, await res.clone().text()).toBe(200);
  const session = await json<SessionBody>(res);
  expect(session.user.id).toBe(userId);
  expect(refreshCookie(res)).toMatch(/^webox_rt=/);
  expect((await call('/api/me', { token: session.accessToken })).status).toBe(200);
  return session;
}
