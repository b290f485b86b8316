import type { QuotaStatus, UsageReport } from '../../../functions/usage/service';
import { bearer, client, sendJson } from './client';

export type { QuotaStatus, UsageReport };

/** The caller's usage over the last `days` UTC days, with the quota status. */
export async function getUsage(accessToken: string, days: number): Promise<UsageReport> {
  return await sendJson(() =>
    client.api.usage.$get({ query: { days: String(days) } }, bearer(accessToken)),
  );
}
