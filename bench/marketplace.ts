/**
 * `npm run bench:marketplace`: the marketplace's hot paths on loopback, as ratios measured in
 * one run (see bench/README.md).
 *
 *  1. carts: add-to-cart (POST /api/cart/items) and cart read (GET /api/cart) by N concurrent
 *     anonymous shoppers, each with their own Cart object, against a bare Durable Object round
 *     trip (bench/baseline: POST/GET /do/<visitor>) by as many visitors;
 *  2. webhooks: signed Stripe `checkout.session.completed` deliveries for M paid orders with
 *     10 % of them delivered twice, concurrently; throughput, p99, and the count of orders
 *     paid, fulfilled or invoiced more than once (must be 0).
 *
 * BENCH_VISITORS (100), BENCH_DURATION (seconds per run, 8), BENCH_ORDERS (100). It never
 * fails on a figure; it exits non-zero only when something could not be measured.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import postgres from 'postgres';
import { signStripePayload, startStripeFake, stripeEvent } from '../tests/fakes/stripe';
import {
  fmt,
  forkHelper,
  json,
  onExit,
  percentile,
  progress,
  runBench,
  startBenchStack,
} from './harness';
import type { VisitorsRequest, VisitorsResult } from './visitors';
import { startDev } from './wrangler';

const VISITORS = Number(process.env.BENCH_VISITORS ?? 100);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 8);
const ORDERS = Number(process.env.BENCH_ORDERS ?? 100);
const DUPLICATE_SHARE = 0.1;
const WEBHOOK_CONCURRENCY = 20;
function startVisitorsProcess() {
  return forkHelper<Omit<VisitorsRequest, 'id'>, VisitorsResult>(
    join(import.meta.dirname, 'visitors.ts'),
  );
}

async function main(): Promise<void> {
  const stripe = await startStripeFake();
  onExit(() => stripe.close());
  const { stack, stateDir, dbKind } = await startBenchStack({
    tag: 'shop',
    redisDb: 12,
    vars: stripe.vars,
  });
  const baseline = await startDev({
    config: 'bench/baseline/wrangler.toml',
    persistTo: stateDir,
    readyPath: '/api/health',
    timeoutMs: 90_000,
  });
  onExit(() => baseline.stop());
  const base = stack.baseUrl;
  const origin = stack.vars.APP_ORIGIN ?? base;
  const db = postgres(stack.databaseUrl, { max: 2, fetch_types: false, onnotice: () => {} });
  onExit(() => db.end());

  const admin = await json<{ accessToken: string }>(
    await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'admin@webox.local', password: 'webox-admin-2026' }),
    }),
    'admin login',
  );
  const product = await json<{ id: string }>(
    await fetch(`${base}/api/admin/products`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${admin.accessToken}` },
      body: JSON.stringify({
        slug: `bench-${randomUUID().slice(0, 8)}`,
        kind: 'credit_pack',
        credits: 100,
        nameFr: 'Pack de crédits (bench)',
        nameEn: 'Credit pack (bench)',
        priceMinor: 900,
      }),
    }),
    'create product',
  );

  // 1. Carts. Each shopper's first add sets their cart cookie (outside the timed runs).
  progress(`creating ${VISITORS} anonymous carts`);
  const addBody = JSON.stringify({ productId: product.id, quantity: 1 });
  const shopHeaders = { 'Content-Type': 'application/json', Origin: origin };
  const cookies: string[] = [];
  for (let i = 0; i < VISITORS; i++) {
    const res = await fetch(`${base}/api/cart/items`, {
      method: 'POST',
      headers: shopHeaders,
      body: addBody,
    });
    await json(res, 'first add');
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('webox_cart='));
    if (!cookie) throw new Error('no cart cookie');
    cookies.push(cookie.split(';')[0] ?? '');
  }
  const visitors = startVisitorsProcess();
  const common = { visitors: VISITORS, durationSeconds: DURATION_S };
  const runs: Array<[string, Omit<VisitorsRequest, 'id'>]> = [
    [
      'baseline DO write',
      { ...common, method: 'POST', url: `${baseline.baseUrl}/do/v{visitor}`, headers: {} },
    ],
    [
      'add to cart',
      {
        ...common,
        method: 'POST',
        url: `${base}/api/cart/items`,
        body: addBody,
        headers: shopHeaders,
        cookies,
      },
    ],
    [
      'baseline DO read',
      { ...common, method: 'GET', url: `${baseline.baseUrl}/do/v{visitor}`, headers: {} },
    ],
    [
      'read cart',
      { ...common, method: 'GET', url: `${base}/api/cart`, headers: { Origin: origin }, cookies },
    ],
  ];
  const results = new Map<string, VisitorsResult>();
  for (const [name, req] of runs) {
    progress(`${name}: ${VISITORS} visitors for ${DURATION_S} s`);
    results.set(name, await visitors(req));
  }

  // 2. Webhooks: M paid Stripe orders for one buyer, each event delivered once, 10 % twice.
  progress(`preparing ${ORDERS} Stripe orders`);
  const buyer = await json<{ accessToken: string; user: { id: string } }>(
    await fetch(`${base}/api/auth/register`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        email: `bench.${randomUUID().slice(0, 8)}@example.com`,
        password: 'a-long-enough-password',
        name: 'Bench Buyer',
      }),
    }),
    'register buyer',
  );
  const auth = { 'Content-Type': 'application/json', Authorization: `Bearer ${buyer.accessToken}` };
  const events: string[] = [];
  for (let i = 0; i < ORDERS; i++) {
    await json(
      await fetch(`${base}/api/cart/items`, { method: 'POST', headers: auth, body: addBody }),
      'add',
    );
    const checkout = await json<{ order: { id: string } }>(
      await fetch(`${base}/api/checkout`, {
        method: 'POST',
        headers: { ...auth, 'Idempotency-Key': randomUUID() },
        body: JSON.stringify({
          paymentMethod: 'stripe',
          billing: { name: 'Bench Buyer', email: 'bench@example.com', country: 'fr' },
        }),
      }),
      'checkout',
    );
    const [row] = await db<{ provider_ref: string }[]>`
      SELECT provider_ref FROM orders WHERE id = ${checkout.order.id}`;
    const paid = await json<{ session: unknown }>(
      await fetch(`${stripe.url}/__sessions/${row?.provider_ref}/pay`, { method: 'POST' }),
      'pay',
    );
    events.push(JSON.stringify(stripeEvent('checkout.session.completed', paid.session)));
  }
  const deliveries = [...events];
  for (const event of events) if (Math.random() < DUPLICATE_SHARE) deliveries.push(event);
  deliveries.sort(() => Math.random() - 0.5);
  progress(
    `delivering ${deliveries.length} webhooks (${deliveries.length - events.length} duplicates)`,
  );
  // Like Stripe, a delivery that is not answered 2xx is sent again (here at once, up to 8 times).
  const latencies: number[] = [];
  let failures = 0;
  const failedStatuses: Record<string, number> = {};
  let cursor = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: WEBHOOK_CONCURRENCY }, async () => {
      for (let i = cursor++; i < deliveries.length; i = cursor++) {
        const payload = deliveries[i] ?? '';
        for (let attempt = 0; attempt < 8; attempt++) {
          const t0 = performance.now();
          const res = await fetch(`${base}/api/webhooks/stripe`, {
            method: 'POST',
            headers: {
              'Content-Type': 'application/json',
              'Stripe-Signature': signStripePayload(payload, stripe.webhookSecret),
            },
            body: payload,
          });
          await res.arrayBuffer();
          latencies.push(performance.now() - t0);
          if (res.ok) break;
          failures++;
          failedStatuses[res.status] = (failedStatuses[res.status] ?? 0) + 1;
        }
      }
    }),
  );
  const webhookSeconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const [counts] = await db<{ fulfilled: number; paid_twice: number; invoiced_twice: number }[]>`
    SELECT
      (SELECT count(*)::int FROM orders WHERE user_id = ${buyer.user.id} AND status = 'fulfilled') AS fulfilled,
      (SELECT count(*)::int FROM (SELECT order_id FROM order_events e JOIN orders o ON o.id = e.order_id
         WHERE o.user_id = ${buyer.user.id} AND e.to_status = 'paid' GROUP BY order_id HAVING count(*) > 1) x) AS paid_twice,
      (SELECT count(*)::int FROM (SELECT order_id FROM invoices WHERE user_id = ${buyer.user.id}
         GROUP BY order_id HAVING count(*) > 1) y) AS invoiced_twice`;

  // Report.
  const line = (name: string) => {
    const r = results.get(name);
    return r
      ? `${name.padEnd(18)} ${fmt(r.okPerSecond).padStart(7)} req/s  p50 ${fmt(r.latencyP50Ms).padStart(6)} ms  p99 ${fmt(r.latencyP99Ms).padStart(6)} ms  (${r.ok} ok, ${r.failed} failed${r.failed ? ` ${JSON.stringify(r.statuses)}` : ''})`
      : `${name}: not measured`;
  };
  const ratio = (a: string, b: string) => {
    const x = results.get(a);
    const y = results.get(b);
    if (!x || !y) return 'n/a';
    return `throughput ${(x.okPerSecond / y.okPerSecond).toFixed(2)}×, p99 ${(x.latencyP99Ms / y.latencyP99Ms).toFixed(2)}×`;
  };
  console.log(`\nDatabase: ${dbKind}`);
  console.log(`Carts: ${VISITORS} concurrent shoppers, ${DURATION_S} s per run`);
  for (const [name] of runs) console.log(`  ${line(name)}`);
  console.log(`  add to cart vs bare DO write: ${ratio('add to cart', 'baseline DO write')}`);
  console.log(`  read cart   vs bare DO read:  ${ratio('read cart', 'baseline DO read')}`);
  console.log(
    `\nStripe webhooks: ${events.length} orders, ${deliveries.length} deliveries (${deliveries.length - events.length} duplicates), ${WEBHOOK_CONCURRENCY} at a time`,
  );
  console.log(
    `  ${fmt(latencies.length / webhookSeconds)} requests/s  p50 ${fmt(percentile(latencies, 50))} ms  p99 ${fmt(percentile(latencies, 99))} ms  (${failures} answered non-2xx and were redelivered${failures ? ` ${JSON.stringify(failedStatuses)}` : ''})`,
  );
  console.log(
    `  orders fulfilled: ${counts?.fulfilled} of ${events.length}; paid twice: ${counts?.paid_twice}; invoiced twice: ${counts?.invoiced_twice}`,
  );
  const exact =
    counts?.fulfilled === events.length && counts.paid_twice === 0 && counts.invoiced_twice === 0;
  console.log(
    `  verdict: ${exact ? 'every payment made exactly one fulfilled order' : 'DUPLICATES OR MISSING ORDERS'}`,
  );
}

await runBench(main);
process.exit(process.exitCode ?? 0);
