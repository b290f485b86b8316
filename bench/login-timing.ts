/**
 * `npm run bench:login-timing`: does a failed sign-in take longer for an address that has
 * an account than for one that does not? Sends alternating wrong-password logins for a real
 * and an unknown address to the real Worker (PGlite stack, loopback) and prints both
 * distributions, their difference and ratio, and a Mann-Whitney U test so the verdict rests
 * on more than two means. Never fails on a figure.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack } from '../tools/dev-services/stack';

const SAMPLES = Number(process.env.TIMING_SAMPLES ?? 60);

const stateDir = mkdtempSync(join(tmpdir(), 'webox-timing-'));
const stack = await startStack({
  stateDir,
  workerPort: 0,
  publicHost: 'localhost',
  ephemeral: true,
  vars: { RATE_LIMIT_MULTIPLIER: '1000000' },
});

const ip = () => `10.${randomBytes(1)[0]}.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;
async function post(path: string, body: unknown): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${stack.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': ip() },
    body: JSON.stringify(body),
  });
  await res.arrayBuffer();
  const elapsed = performance.now() - started;
  if (path.endsWith('/login') && res.status !== 401)
    throw new Error(`expected 401, got ${res.status}`);
  return elapsed;
}

function quantile(sorted: number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))));
  return sorted[i] ?? Number.NaN;
}

/** Two-sided Mann-Whitney U with the normal approximation; returns z and p. */
function mannWhitney(a: number[], b: number[]): { z: number; p: number } {
  const all = [...a.map((v) => ({ v, g: 0 })), ...b.map((v) => ({ v, g: 1 }))].sort(
    (x, y) => x.v - y.v,
  );
  let rankSumA = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j + 1 < all.length && all[j + 1]?.v === all[i]?.v) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (all[k]?.g === 0) rankSumA += rank;
    i = j + 1;
  }
  const n1 = a.length;
  const n2 = b.length;
  const u = rankSumA - (n1 * (n1 + 1)) / 2;
  const z = (u - (n1 * n2) / 2) / Math.sqrt((n1 * n2 * (n1 + n2 + 1)) / 12);
  const p = 2 * (1 - phi(Math.abs(z)));
  return { z, p };
}

function phi(x: number): number {
  // Abramowitz-Stegun 7.1.26 approximation of the normal CDF.
  const t = 1 / (1 + 0.3275911 * (x / Math.SQRT2));
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-(x * x) / 2);
  return 0.5 * (1 + y);
}

try {
  const email = `timing.${randomBytes(4).toString('hex')}@example.com`;
  await post('/api/auth/register', { email, password: 'a-long-enough-password', name: 'Timing' });
  // Warm both paths (isolate start, decoy hash computed once per isolate).
  for (let i = 0; i < 3; i++) {
    await post('/api/auth/login', { email, password: 'wrong-password-x' });
    await post('/api/auth/login', { email: `ghost${i}@example.com`, password: 'wrong-password-x' });
  }
  const existing: number[] = [];
  const unknown: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    // A fresh real address every 8 tries stays under the per-account attempt limit.
    const real = i % 8 === 0 ? `timing.${randomBytes(4).toString('hex')}@example.com` : email;
    if (real !== email) {
      await post('/api/auth/register', {
        email: real,
        password: 'a-long-enough-password',
        name: 'T',
      });
    }
    existing.push(await post('/api/auth/login', { email: real, password: `wrong-${i}-password` }));
    unknown.push(
      await post('/api/auth/login', {
        email: `ghost.${randomBytes(4).toString('hex')}@example.com`,
        password: `wrong-${i}-password`,
      }),
    );
  }
  const s1 = [...existing].sort((x, y) => x - y);
  const s2 = [...unknown].sort((x, y) => x - y);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const { z, p } = mannWhitney(existing, unknown);
  const fmt = (n: number) => `${n.toFixed(1)} ms`;
  console.log(`Failed sign-in timing, ${SAMPLES} alternating pairs, wrong password, loopback:`);
  console.log(
    `  existing address: median ${fmt(quantile(s1, 0.5))}, mean ${fmt(mean(existing))}, p10 ${fmt(quantile(s1, 0.1))}, p90 ${fmt(quantile(s1, 0.9))}`,
  );
  console.log(
    `  unknown address:  median ${fmt(quantile(s2, 0.5))}, mean ${fmt(mean(unknown))}, p10 ${fmt(quantile(s2, 0.1))}, p90 ${fmt(quantile(s2, 0.9))}`,
  );
  const diff = quantile(s1, 0.5) - quantile(s2, 0.5);
  console.log(
    `  median difference ${fmt(diff)} (existing ÷ unknown = ${(quantile(s1, 0.5) / quantile(s2, 0.5)).toFixed(3)}×)`,
  );
  console.log(`  Mann-Whitney U: z = ${z.toFixed(2)}, two-sided p = ${p.toFixed(3)}`);
  console.log(
    p < 0.05
      ? '  verdict: the two distributions differ at the 5 % level; see the difference above.'
      : '  verdict: no difference detectable at the 5 % level with this many samples.',
  );
} finally {
  await stack.stop();
  rmSync(stateDir, { recursive: true, force: true });
}
