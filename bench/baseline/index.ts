import { Hono } from 'hono';
import type { Counter } from './cart-object';

export { Counter } from './cart-object';

/**
 * The baseline for `npm run bench`: Hono on Workers with the two routes WeBox is measured
 * on, answering small JSON bodies without touching any dependency. Same compatibility date
 * and flags as WeBox, so the difference is WeBox's own work (middleware, validation,
 * JWT verification, database and Redis round trips, the assets router in front).
 */
const app = new Hono<{
  Bindings: { COUNTER: DurableObjectNamespace<Counter>; UPSTREAM_URL?: string };
}>();

app.get('/api/health', (c) => c.json({ status: 'ok' }));

app.get('/api/me', (c) => {
  const header = c.req.header('Authorization');
  const token = header ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined;
  if (!token) return c.json({ error: 'unauthorized' }, 401);
  return c.json({ user: { id: 'baseline', email: 'bench@webox.local', name: 'Bench' } });
});

// The bare relay of `npm run bench:edge`: the request body goes to the OpenAI-format
// upstream as it is, and its stream comes back untouched. What WeBox adds over this is its own.
app.post('/v1/chat/completions', async (c) => {
  if (!c.env.UPSTREAM_URL) return c.json({ error: 'UPSTREAM_URL is not set' }, 503);
  const upstream = await fetch(`${c.env.UPSTREAM_URL}/chat/completions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: c.req.header('authorization') ?? '',
    },
    body: c.req.raw.body,
  });
  return new Response(upstream.body, { status: upstream.status, headers: upstream.headers });
});

// One object per visitor, like WeBox's carts: a write and a read, each one RPC round trip.
app.post('/do/:name', async (c) => {
  const stub = c.env.COUNTER.get(c.env.COUNTER.idFromName(c.req.param('name')));
  return c.json({ n: await stub.bump() });
});
app.get('/do/:name', async (c) => {
  const stub = c.env.COUNTER.get(c.env.COUNTER.idFromName(c.req.param('name')));
  return c.json({ n: await stub.read() });
});

export default app;
