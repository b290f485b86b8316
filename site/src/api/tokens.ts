import type { TokenSummary } from '../../../functions/developer/api-tokens';
import { bearer, client, sendJson, sendOk } from './client';

export type ApiToken = TokenSummary;
/** A token as created: the only time the secret itself is returned. */
export type CreatedApiToken = TokenSummary & { token: string };

/** The caller's unrevoked API tokens and how many active ones an account may hold. */
export async function listTokens(
  accessToken: string,
): Promise<{ items: ApiToken[]; limit: number }> {
  return await sendJson(() => client.api.tokens.$get(undefined, bearer(accessToken)));
}

/** Creates a token; the answer carries the token once. */
export async function createToken(
  accessToken: string,
  input: { name: string; expiresInDays?: number },
): Promise<CreatedApiToken> {
  return await sendJson(() => client.api.tokens.$post({ json: input }, bearer(accessToken)));
}

/** Revokes a token at once. */
export async function revokeToken(accessToken: string, id: string): Promise<void> {
  await sendOk(() => client.api.tokens[':id'].$delete({ param: { id } }, bearer(accessToken)));
}
