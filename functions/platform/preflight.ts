import { queueConsume, type RateLimitResult, type RateLimitRule } from './rate-limit';
import type { KeyValue } from './redis';

/**
 * A value a service would otherwise fetch from Redis on a round trip of its own, later in the
 * request (the model registry's version): a hot path reads it in its preflight instead.
 */
export interface Prefetch {
  key: string;
  /** False when the service's copy is recent enough that no read is needed now. */
  wanted(now: number): boolean;
  /** Receives the value read (null when the key is absent). */
  accept(value: unknown, now: number): void;
}

export interface PreflightRequest {
  /** Keys read as they are (revocation marks); absent ones come back null. */
  marks: readonly string[];
  /** A per-account rate limit to count in the same round trip. */
  limit?: { rule: RateLimitRule; subject: string; multiplier?: number };
  prefetch?: readonly Prefetch[];
}

export interface PreflightResult {
  /** The marks' values, in the order asked. */
  marks: unknown[];
  limit?: RateLimitResult;
}

/**
 * Everything a hot path asks Redis before its first byte, in one Upstash transaction (one
 * round trip, issue 13): the revocation marks of its credential, its rate limit, and the
 * prefetches that are due. A transaction rather than a pipeline, because the rate limit's
 * SET NX and INCR must not interleave with another request's. Redis errors are thrown: the
 * caller decides what a missing answer means (a credential is then checked in Postgres).
 */
export async function preflight(kv: KeyValue, request: PreflightRequest): Promise<PreflightResult> {
  const now = Date.now();
  const due = (request.prefetch ?? []).filter((read) => read.wanted(now));
  const tx = kv.multi();
  for (const key of request.marks) tx.get(key);
  for (const read of due) tx.get(read.key);
  const { limit } = request;
  const readLimit = limit
    ? queueConsume(tx, limit.rule, limit.subject, limit.multiplier)
    : undefined;
  const replies = (await tx.exec()) as unknown[];
  const marks = replies.slice(0, request.marks.length);
  due.forEach((read, index) => {
    read.accept(replies[request.marks.length + index] ?? null, now);
  });
  return { marks, limit: readLimit?.(replies) };
}
