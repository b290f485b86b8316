/**
 * Simulated shoppers for `npm run bench:marketplace`, in their own process so the load never
 * shares an event loop with the in-process dev services. Each visitor is one loop with its
 * own cart (a cookie for WeBox, an object name for the baseline) sending one request after
 * another for the run's duration; latencies of 2xx answers are kept exactly.
 */
export interface VisitorsRequest {
  id: number;
  /** `{visitor}` in a URL is replaced by the visitor's number. */
  url: string;
  method: 'GET' | 'POST';
  body?: string;
  headers: Record<string, string>;
  visitors: number;
  durationSeconds: number;
  /** Per visitor, sent once before timing starts (e.g. the cookie a first add returns). */
  cookies?: string[];
}

export interface VisitorsResult {
  id: number;
  okPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  ok: number;
  failed: number;
  /** Failed answers by status (0: no answer). */
  statuses: Record<string, number>;
  error?: string;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Runs the visitors and returns throughput and latency of their successful requests. */
export async function runVisitors(req: VisitorsRequest): Promise<VisitorsResult> {
  const latencies: number[] = [];
  let failed = 0;
  const statuses: Record<string, number> = {};
  const fail = (status: number) => {
    failed++;
    statuses[status] = (statuses[status] ?? 0) + 1;
  };
  const started = performance.now();
  const until = started + req.durationSeconds * 1000;
  await Promise.all(
    Array.from({ length: req.visitors }, async (_, visitor) => {
      const cookie = req.cookies?.[visitor];
      const headers = { ...req.headers, ...(cookie ? { Cookie: cookie } : {}) };
      const url = req.url.replace('{visitor}', String(visitor));
      while (performance.now() < until) {
        const t0 = performance.now();
        try {
          const res = await fetch(url, { method: req.method, headers, body: req.body });
          await res.arrayBuffer();
          if (res.ok) latencies.push(performance.now() - t0);
          else fail(res.status);
        } catch {
          fail(0);
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    id: req.id,
    okPerSecond: latencies.length / seconds,
    latencyP50Ms: percentile(latencies, 50),
    latencyP99Ms: percentile(latencies, 99),
    ok: latencies.length,
    failed,
    statuses,
  };
}

if (process.send) {
  process.on('message', (req: VisitorsRequest) => {
    runVisitors(req)
      .then((result) => process.send?.(result))
      .catch((err: unknown) =>
        process.send?.({ id: req.id, error: err instanceof Error ? err.message : String(err) }),
      );
  });
  process.on('disconnect', () => process.exit(0));
}
