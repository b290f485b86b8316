import type { ActivityEvent, ProfileStats } from '../../../functions/profile/activity';
import type { KeySummary as AiKey, KeyTestResult } from '../../../functions/profile/keys';
import type { NotificationKey, Provider } from '../../../functions/profile/schemas';
import type { Profile } from '../../../functions/profile/service';
import { bearer, client, sendJson, sendOk } from './client';

export type { NotificationKey, Provider };
export type Theme = Profile['theme'];

export const NOTIFICATION_KEYS: readonly NotificationKey[] = [
  'email.security',
  'email.product',
  'email.billing',
  'push.jobs',
];
export const PROVIDERS: readonly Provider[] = ['openai', 'anthropic', 'google', 'mistral', 'groq'];

/** Response shapes come from the API's own types, so the two cannot drift apart. */
export type { ActivityEvent, AiKey, KeyTestResult, Profile, ProfileStats };

export interface ProfilePatch {
  name?: string;
  locale?: 'fr' | 'en';
  theme?: Theme;
  notificationPrefs?: Partial<Record<NotificationKey, boolean>>;
}

export async function getProfile(accessToken: string): Promise<Profile> {
  return await sendJson(() => client.api.profile.$get(undefined, bearer(accessToken)));
}

export async function updateProfile(accessToken: string, patch: ProfilePatch): Promise<Profile> {
  return await sendJson(() => client.api.profile.$patch({ json: patch }, bearer(accessToken)));
}

/** Mails a confirmation link to the new address; the change waits for it. */
export async function requestEmailChange(accessToken: string, newEmail: string): Promise<void> {
  await sendOk(() => client.api.profile.email.$post({ json: { newEmail } }, bearer(accessToken)));
}

/** Confirms the new address with the token from the e-mailed link. */
export async function confirmEmailChange(token: string): Promise<{ email: string }> {
  return await sendJson(() => client.api.profile.email.confirm.$post({ json: { token } }));
}

export async function getStats(accessToken: string): Promise<ProfileStats> {
  return await sendJson(() => client.api.profile.stats.$get(undefined, bearer(accessToken)));
}

export async function getActivity(
  accessToken: string,
  cursor?: string,
): Promise<{ items: ActivityEvent[]; nextCursor: string | null }> {
  const query = cursor ? { cursor, limit: '20' } : { limit: '20' };
  return await sendJson(() => client.api.profile.activity.$get({ query }, bearer(accessToken)));
}

/** Uploads an image file as the avatar; the server checks its type and size. */
export async function uploadAvatar(accessToken: string, file: Blob): Promise<void> {
  await sendOk(() =>
    fetch('/api/profile/avatar', {
      method: 'PUT',
      headers: { Authorization: `Bearer ${accessToken}`, 'Content-Type': file.type },
      body: file,
    }),
  );
}

/** The avatar image (it needs the access token, so it is fetched, not linked). */
export async function fetchAvatar(accessToken: string, url: string): Promise<Blob> {
  const res = await sendOk(() =>
    fetch(url, { headers: { Authorization: `Bearer ${accessToken}` } }),
  );
  return await res.blob();
}

export async function deleteAvatar(accessToken: string): Promise<void> {
  await sendOk(() =>
    fetch('/api/profile/avatar', {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${accessToken}` },
    }),
  );
}

export async function listKeys(accessToken: string): Promise<AiKey[]> {
  return (await sendJson(() => client.api.keys.$get(undefined, bearer(accessToken)))).items;
}

/** Adds or replaces the key for a provider. */
export async function saveKey(
  accessToken: string,
  provider: Provider,
  input: { apiKey: string; label?: string },
): Promise<AiKey> {
  return await sendJson(() =>
    client.api.keys[':provider'].$put({ param: { provider }, json: input }, bearer(accessToken)),
  );
}

export async function deleteKey(accessToken: string, provider: Provider): Promise<void> {
  await sendOk(() =>
    client.api.keys[':provider'].$delete({ param: { provider } }, bearer(accessToken)),
  );
}

/** One cheap call to the provider with the saved key. */
export async function testKey(accessToken: string, provider: Provider): Promise<KeyTestResult> {
  return await sendJson(() =>
    client.api.keys[':provider'].test.$post({ param: { provider } }, bearer(accessToken)),
  );
}
