import type { TokenSummary } from '../../../functions/developer/api-tokens';
import { bearer, client, problemFrom, send } from './client';

export type ApiToken = TokenSummary;
/** A token as created: the only time the secret itself is returned. */
export type CreatedApiToken = TokenSummary & { token: string };

/** The caller's unrevoked API tokens and how many active ones an account may hold. */
export async function listTokens(
  accessToken: string,
): Promise<{ items: ApiToken[]; limit: number }> {
  const res = await send(() => client.api.tokens.$get(undefined, bearer(accessToken)));
  if (!res.ok) throw await problemFrom(res);
  return await res.json();
}

/** Creates a token; the answer carries the token once. */
export async function createToken(
  accessToken: string,
  input: { name: string; expiresInDays?: number },
): Promise<CreatedApiToken> {
  const res = await send(() => client.api.tokens.$post({ json: input }, bearer(accessToken)));
  if (!res.ok) throw await problemFrom(res);
  return await res.json();
}

/** Revokes a token at once. */
export async function revokeToken(accessToken: string, id: string): Promise<void> {
  const res = await send(() =>
    client.api.tokens[':id'].$delete({ param: { id } }, bearer(accessToken)),
  );
  if (!res.ok) throw await problemFrom(res);
}
