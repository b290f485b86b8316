/**
 * Runs autocannon in its own process, so the load generator never shares an event loop with
 * the in-process dev services (PGlite, the Upstash and QStash stand-ins) that WeBox calls.
 * The parent sends a LoadRequest over IPC and gets a LoadResult back.
 */
import autocannon from 'autocannon';

export interface LoadRequest {
  id: number;
  url: string;
  connections: number;
  durationSeconds: number;
  headers: Record<string, string>;
}

export interface LoadResult {
  id: number;
  error?: string;
  /** Seconds the run actually lasted. */
  durationSeconds: number;
  /** Completed 2xx responses per second: the figure compared. */
  okPerSecond: number;
  /** autocannon's own mean of per-second samples, every status included. */
  requestsPerSecond: number;
  /** Latencies of 2xx responses, exact (autocannon's histogram keeps whole ms). */
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMeanMs: number;
  /** Requests sent. */
  sent: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
}

let visitor = 0;

async function runLoad(req: LoadRequest): Promise<LoadResult> {
  // autocannon's own histogram rounds latencies to whole milliseconds, too coarse for a
  // worker answering in 1-3 ms; keep the exact (hrtime) latency of every 2xx response.
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  const job = autocannon({
    url: req.url,
    connections: req.connections,
    duration: req.durationSeconds,
    headers: req.headers,
    timeout: 10,
    // Each request comes from its own visitor address, as real traffic does: per-IP limits
    // (GET /api/health allows 120 per 10 s) then count real visitors, not the load generator.
    requests: [
      {
        setupRequest: (request: { headers?: Record<string, string> }) => {
          visitor = (visitor + 1) % 0xffffff;
          request.headers = {
            ...request.headers,
            'CF-Connecting-IP': `10.${visitor >> 16}.${(visitor >> 8) & 255}.${visitor & 255}`,
          };
          return request;
        },
      },
    ],
  });
  job.on('response', (_client, statusCode, _bytes, ms) => {
    if (statusCode < 200 || statusCode > 299) return;
    if (count === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[count++] = ms;
  });
  const r = await job;
  const sorted = latencies.subarray(0, count).sort();
  const percentile = (p: number) =>
    count === 0 ? Number.NaN : (sorted[Math.min(count - 1, Math.ceil((p / 100) * count) - 1)] ?? 0);
  let sum = 0;
  for (const v of sorted) sum += v;
  const statusCodes: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(r.statusCodeStats)) statusCodes[code] = count;
  return {
    id: req.id,
    durationSeconds: r.duration,
    okPerSecond: r['2xx'] / r.duration,
    requestsPerSecond: r.requests.average,
    latencyP50Ms: percentile(50),
    latencyP99Ms: percentile(99),
    latencyMeanMs: count === 0 ? Number.NaN : sum / count,
    sent: r.requests.sent,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    statusCodes,
  };
}

if (process.send) {
  process.on('message', (req: LoadRequest) => {
    runLoad(req)
      .then((result) => process.send?.(result))
      .catch((err: unknown) =>
        process.send?.({ id: req.id, error: err instanceof Error ? err.message : String(err) }),
      );
  });
  process.on('disconnect', () => process.exit(0));
}
