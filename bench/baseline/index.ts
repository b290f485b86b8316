import { Hono } from 'hono';

/**
 * The baseline for `npm run bench`: Hono on Workers with the two routes WeBox is measured
 * on, answering small JSON bodies without touching any dependency. Same compatibility date
 * and flags as WeBox, so the difference is WeBox's own work (middleware, validation,
 * JWT verification, database and Redis round trips, the assets router in front).
 */
const app = new Hono();

app.get('/api/health', (c) => c.json({ status: 'ok' }));

app.get('/api/me', (c) => {
  const header = c.req.header('Authorization');
  const token = header ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined;
  if (!token) return c.json({ error: 'unauthorized' }, 401);
  return c.json({ user: { id: 'baseline', email: 'bench@webox.local', name: 'Bench' } });
});

export default app;
