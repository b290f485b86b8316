/**
 * The sockets side of `npm run bench:notifications`, in its own process so that receiving
 * never shares an event loop with the in-process dev services: it opens the sockets, sends
 * the announcements itself (so the send time and every receipt are read on one clock) and
 * reports, per socket and per announcement, the time from the POST's start to the receipt.
 */
export interface FanoutRequest {
  id: number;
  baseUrl: string;
  adminToken: string;
  /** Each user's id and socket path (with a fresh socket token). */
  users: Array<{ id: string; socketPath: string }>;
  socketsPerUser: number;
  announcements: number;
  /** Longest wait for one announcement to reach every socket. */
  waitMs: number;
  label: string;
}

export interface FanoutResult {
  id: number;
  sockets: number;
  /** Latencies (ms) of every receipt, sorted. */
  latencies: number[];
  expected: number;
  received: number;
  /** How many sockets the API said it reached, summed over announcements. */
  deliveredByApi: number;
  /** Duration of each announcement POST (ms). */
  postMs: number[];
  openMs: number;
  failures: string[];
  error?: string;
}

interface Socket {
  ws: WebSocket;
  /** Announcement number → receipt time. */
  seen: Map<number, number>;
}

function openSocket(url: string, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const socket: Socket = { ws, seen: new Map() };
    const timer = setTimeout(() => reject(new Error('socket open timed out')), timeoutMs);
    ws.addEventListener('message', (event) => {
      const at = performance.now();
      if (typeof event.data !== 'string' || !event.data.startsWith('{')) return;
      const message = JSON.parse(event.data) as { type: string; data?: { title?: string } };
      if (message.type === 'hello') {
        clearTimeout(timer);
        resolve(socket);
        return;
      }
      const match = /^bench (\d+)$/.exec(message.data?.title ?? '');
      if (message.type === 'notification' && match) {
        socket.seen.set(Number(match[1]), at);
      }
    });
    ws.addEventListener('error', () => {
      clearTimeout(timer);
      reject(new Error('socket failed to open'));
    });
  });
}

/** Opens the sockets, sends the announcements one after another and times every receipt. */
export async function runFanout(req: FanoutRequest): Promise<FanoutResult> {
  const wsBase = req.baseUrl.replace(/^http/, 'ws');
  const t0 = performance.now();
  const sockets: Socket[] = [];
  const failures: string[] = [];
  // Opened a few users at a time: a thousand simultaneous upgrades would measure the dev
  // server's accept queue, not the fan-out.
  let nextUser = 0;
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      for (let i = nextUser++; i < req.users.length; i = nextUser++) {
        const user = req.users[i];
        if (!user) continue;
        for (let s = 0; s < req.socketsPerUser; s++) {
          try {
            sockets.push(await openSocket(`${wsBase}${user.socketPath}`, 15_000));
          } catch (err) {
            failures.push(`open: ${(err as Error).message}`);
          }
        }
      }
    }),
  );
  const openMs = performance.now() - t0;
  const latencies: number[] = [];
  const postMs: number[] = [];
  let deliveredByApi = 0;
  const userIds = req.users.map((u) => u.id);
  try {
    for (let n = 0; n < req.announcements; n++) {
      const start = performance.now();
      const res = await fetch(`${req.baseUrl}/api/admin/announcements`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Authorization: `Bearer ${req.adminToken}`,
        },
        body: JSON.stringify({ title: `bench ${n}`, body: req.label, userIds }),
      });
      const text = await res.text();
      postMs.push(performance.now() - start);
      if (!res.ok) {
        failures.push(`announce ${n}: ${res.status} ${text.slice(0, 200)}`);
        continue;
      }
      deliveredByApi += (JSON.parse(text) as { delivered: number }).delivered;
      const deadline = performance.now() + req.waitMs;
      while (sockets.some((s) => !s.seen.has(n)) && performance.now() < deadline) {
        await new Promise((r) => setTimeout(r, 5));
      }
      for (const socket of sockets) {
        const at = socket.seen.get(n);
        if (at !== undefined) latencies.push(at - start);
      }
    }
  } finally {
    for (const socket of sockets) socket.ws.close();
  }
  latencies.sort((a, b) => a - b);
  return {
    id: req.id,
    sockets: sockets.length,
    latencies,
    expected: req.users.length * req.socketsPerUser * req.announcements,
    received: latencies.length,
    deliveredByApi,
    postMs,
    openMs,
    failures,
  };
}

if (process.send) {
  process.on('message', (req: FanoutRequest) => {
    runFanout(req)
      .then((result) => process.send?.(result))
      .catch((err: unknown) =>
        process.send?.({ id: req.id, error: err instanceof Error ? err.message : String(err) }),
      );
  });
  process.on('disconnect', () => process.exit(0));
}
