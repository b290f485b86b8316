import { bearer, client, problemFrom, send } from './client';

/**
 * Trades the access token for a one-minute socket token; resolves to the path (with the
 * token in its query) to open the notification WebSocket on.
 */
export async function socketUrl(accessToken: string): Promise<string> {
  const res = await send(() =>
    client.api.notifications['socket-token'].$post(undefined, bearer(accessToken)),
  );
  if (!res.ok) throw await problemFrom(res);
  return (await res.json()).url;
}
