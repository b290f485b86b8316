import type { QuotaStatus, UsageReport } from '../../../functions/usage/service';
import { bearer, client, problemFrom, send } from './client';

export type { QuotaStatus, UsageReport };

/** The caller's usage over the last `days` UTC days, with the quota status. */
export async function getUsage(accessToken: string, days: number): Promise<UsageReport> {
  const res = await send(() =>
    client.api.usage.$get({ query: { days: String(days) } }, bearer(accessToken)),
  );
  if (!res.ok) throw await problemFrom(res);
  return await res.json();
}
