import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { writeJobsConfig } from '../../tools/dev-services/jobs-config';
import { freePort, ROOT } from '../../tools/dev-services/stack';
import { createProduct, type ProductBody } from '../commerce/helpers';
import { createAdmin } from '../helpers/accounts';
import { expectProblem, json, registerUser, type TestUser } from '../helpers/api';
import { BILLING, paymentTables, query } from './helpers';

/**
 * A second Worker on the same database, Redis and secrets as the test stack, but started
 * without any payment setting, to see what a server that has none answers.
 */
const PAYMENT_VARS = /^(STRIPE_|PAYPAL_|BANK_)/;

let child: ChildProcess | undefined;
let stateDir = '';
let bareUrl = '';

async function startBareWorker(): Promise<void> {
  stateDir = mkdtempSync(join(tmpdir(), 'webox-bare-'));
  const lines = readFileSync(inject('workerEnvFile'), 'utf8')
    .split('\n')
    .filter((line) => !PAYMENT_VARS.test(line));
  const envFile = join(stateDir, 'worker.env');
  writeFileSync(envFile, lines.join('\n'), { mode: 0o600 });
  // Its own jobs Worker too (which serves checkout and the webhooks), on the same settings.
  const jobsConfig = writeJobsConfig({ root: ROOT, stateDir, envText: `${lines.join('\n')}\n` });
  const port = await freePort();
  bareUrl = `http://127.0.0.1:${port}`;
  child = spawn(
    'npx',
    [
      'wrangler',
      'dev',
      '-c',
      'wrangler.toml',
      '-c',
      jobsConfig,
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--persist-to',
      join(stateDir, 'wrangler'),
      '--env-file',
      envFile,
      '--show-interactive-dev-session=false',
      '--inspector-port',
      String(await freePort()),
      '--log-level',
      'error',
    ],
    {
      cwd: ROOT,
      stdio: 'ignore',
      detached: true,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
    },
  );
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${bareUrl}/api/health`, { signal: AbortSignal.timeout(3_000) });
      if (res.status === 200 || res.status === 503) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('the second Worker did not start');
}

function bare(path: string, user: TestUser, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${bareUrl}${path}`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${user.accessToken}`,
      'Content-Type': 'application/json',
      'CF-Connecting-IP': user.ip,
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

let product: ProductBody;
beforeAll(async () => {
  const admin = await createAdmin();
  product = await createProduct(admin, { kind: 'physical', priceMinor: 900, stock: 5 });
  await startBareWorker();
}, 120_000);

afterAll(async () => {
  if (child?.pid !== undefined) {
    const pid = child.pid;
    await new Promise<void>((done) => {
      child?.once('exit', () => done());
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        done();
      }
      setTimeout(done, 5_000).unref();
    });
  }
  rmSync(stateDir, { recursive: true, force: true });
});

describe('payment methods without their settings', () => {
  it.each([
    ['stripe', ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET']],
    ['paypal', ['PAYPAL_CLIENT_ID', 'PAYPAL_CLIENT_SECRET', 'PAYPAL_WEBHOOK_ID']],
    ['bank_transfer', ['BANK_IBAN', 'BANK_HOLDER']],
  ])('%s answers 424 naming what to set, with nothing written', async (method, names) => {
    const user = await registerUser();
    const added = await bare('/api/cart/items', user, { productId: product.id, quantity: 2 });
    expect(added.status, await added.clone().text()).toBe(200);
    const before = await paymentTables();
    const [stock] = await query<{ stock: number }>(
      (db) => db`select stock from products where id = ${product.id}`,
    );
    const res = await bare(
      '/api/checkout',
      user,
      { paymentMethod: method, billing: BILLING },
      { 'Idempotency-Key': randomUUID() },
    );
    const problem = await expectProblem(res, 424, 'PAYMENT_NOT_CONFIGURED');
    for (const name of names) expect(problem.detail).toContain(name);
    const [orders] = await query<{ n: number }>(
      (db) => db`select count(*)::int as n from orders where user_id = ${user.id}`,
    );
    expect(orders?.n).toBe(0);
    expect(await paymentTables()).toEqual(before);
    const [after] = await query<{ stock: number }>(
      (db) => db`select stock from products where id = ${product.id}`,
    );
    expect(after?.stock).toBe(stock?.stock);
    const cart = await fetch(`${bareUrl}/api/cart`, {
      headers: { Authorization: `Bearer ${user.accessToken}` },
    });
    expect((await json<{ lines: unknown[] }>(cart)).lines).toHaveLength(1);
  });

  it('refuses subscriptions and both webhooks the same way', async () => {
    const user = await registerUser();
    await expectProblem(
      await bare('/api/plans/subscribe', user, { plan: 'pro', interval: 'month' }),
      424,
      'PAYMENT_NOT_CONFIGURED',
    );
    const before = await paymentTables();
    const stripe = await fetch(`${bareUrl}/api/webhooks/stripe`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Stripe-Signature': 't=1,v1=00' },
      body: JSON.stringify({ id: 'evt_x', type: 'checkout.session.completed' }),
    });
    await expectProblem(stripe, 424, 'PAYMENT_NOT_CONFIGURED');
    const paypal = await fetch(`${bareUrl}/api/webhooks/paypal`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ id: 'WH-x', event_type: 'PAYMENT.CAPTURE.COMPLETED' }),
    });
    await expectProblem(paypal, 424, 'PAYMENT_NOT_CONFIGURED');
    expect(await paymentTables()).toEqual(before);
  });
});
