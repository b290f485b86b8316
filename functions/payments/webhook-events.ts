import type { Database, Transaction } from '../../db/client';
import { webhookEvents } from '../../db/schema';
import type { Services } from '../platform/env';

export interface WebhookResult {
  received: true;
  duplicate: boolean;
  /** What the event did, for the logs and the tests. */
  outcome: string;
}

type Provider = 'stripe' | 'paypal';

/**
 * Records an event id once (provider + id is the primary key) and says whether this delivery
 * is the first. The row is marked processed as it is written: it commits together with the
 * event's effect or not at all, so a separate "processed" update would only add a round trip.
 */
async function recordOnce(
  db: Database | Transaction,
  provider: Provider,
  eventId: string,
  type: string,
): Promise<boolean> {
  const fresh = await db
    .insert(webhookEvents)
    .values({ provider, eventId, type, processedAt: new Date() })
    .onConflictDoNothing()
    .returning({ eventId: webhookEvents.eventId });
  return fresh.length > 0;
}

/**
 * Records a verified event exactly once and applies it in the same transaction: a replay finds
 * the id recorded and changes nothing; a failure rolls back both, and the 500 makes the
 * provider retry. An event type WeBox does not act on is recorded by one statement, with no
 * transaction around it (one round trip).
 */
export async function recordAndApply(
  services: Services,
  event: { provider: Provider; id: string; type: string; handled: boolean },
  apply: (tx: Transaction) => Promise<string>,
): Promise<Omit<WebhookResult, 'received'>> {
  if (!event.handled) {
    const fresh = await recordOnce(services.db, event.provider, event.id, event.type);
    return fresh
      ? { duplicate: false, outcome: 'ignored: event type not handled' }
      : { duplicate: true, outcome: 'already processed' };
  }
  return services.db.transaction(async (tx) => {
    if (!(await recordOnce(tx, event.provider, event.id, event.type))) {
      return { duplicate: true, outcome: 'already processed' };
    }
    return { duplicate: false, outcome: await apply(tx) };
  });
}
