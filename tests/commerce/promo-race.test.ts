import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DbHandle, openDatabase } from '../../db/client';
import { redeemPromo } from '../../functions/commerce/promo-service';
import { ApiError } from '../../functions/platform/errors';
import { createAdmin } from '../helpers/accounts';
import { call, json, registerUser, sql, type TestUser } from '../helpers/api';
import { uniqueWord } from './helpers';

/**
 * Checkout's redemption, run as checkout will run it: the real service code inside real
 * transactions on the test database, many at once on a pool of 10 connections.
 */
let admin: TestUser;
let handle: DbHandle;
beforeAll(async () => {
  admin = await createAdmin();
  handle = openDatabase(inject('databaseUrl'), { max: 10 });
});
afterAll(async () => {
  await handle.close();
});

async function createPromo(fields: Record<string, unknown>): Promise<{ id: string }> {
  const res = await call('/api/admin/promo-codes', {
    token: admin.accessToken,
    json: { code: uniqueWord('race').toUpperCase(), kind: 'percent', value: 10, ...fields },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return json<{ id: string }>(res);
}

/** `count` pending orders for the users given in turn, in one statement. */
async function pendingOrders(
  userIds: string[],
  count: number,
): Promise<Array<{ id: string; userId: string }>> {
  const owners = Array.from({ length: count }, (_, i) => userIds[i % userIds.length] ?? '');
  const db = sql();
  try {
    const rows = await db<{ id: string; user_id: string }[]>`
      insert into orders (user_id, status, currency, subtotal_minor, tax_minor, total_minor,
                          payment_method, billing)
      select u::uuid, 'pending', 'EUR', 1000, 167, 1000, 'bank_transfer',
             '{"name":"Racer","email":"racer@example.com"}'::jsonb
      from jsonb_array_elements_text(${db.json(owners)}) as u
      returning id, user_id`;
    return rows.map((row) => ({ id: row.id, userId: row.user_id }));
  } finally {
    await db.end();
  }
}

async function state(promoId: string): Promise<{ uses: number; redemptions: number }> {
  const db = sql();
  try {
    const [promo] = await db<{ uses_count: number }[]>`
      select uses_count from promo_codes where id = ${promoId}`;
    const [count] = await db<{ n: number }[]>`
      select count(*)::int as n from promo_redemptions where promo_code_id = ${promoId}`;
    return { uses: promo?.uses_count ?? -1, redemptions: count?.n ?? -1 };
  } finally {
    await db.end();
  }
}

function redeemAll(promoId: string, orders: Array<{ id: string; userId: string }>) {
  return Promise.allSettled(
    orders.map((order) =>
      handle.db.transaction((tx) =>
        redeemPromo(tx, { promoId, userId: order.userId, orderId: order.id, discountMinor: 100 }),
      ),
    ),
  );
}

function conflicts(results: PromiseSettledResult<unknown>[]): number {
  return results.filter(
    (r) => r.status === 'rejected' && r.reason instanceof ApiError && r.reason.code === 'CONFLICT',
  ).length;
}

describe('promo redemption under contention', () => {
  it('lets exactly one of 50 concurrent checkouts redeem a one-use code', async () => {
    const buyers = await Promise.all(Array.from({ length: 5 }, () => registerUser()));
    const promo = await createPromo({ maxUses: 1 });
    const orders = await pendingOrders(
      buyers.map((b) => b.id),
      50,
    );
    const results = await redeemAll(promo.id, orders);
    const winners = results.filter((r) => r.status === 'fulfilled');
    expect(winners).toHaveLength(1);
    expect(conflicts(results)).toBe(49);
    expect(winners[0]).toMatchObject({ value: { usesCount: 1, remaining: 0 } });
    expect(await state(promo.id)).toEqual({ uses: 1, redemptions: 1 });
  });

  it('stops at maxUses with many buyers, and at the per-user limit for one buyer', async () => {
    const buyers = await Promise.all(Array.from({ length: 6 }, () => registerUser()));
    const five = await createPromo({ maxUses: 5 });
    const results = await redeemAll(
      five.id,
      await pendingOrders(
        buyers.map((b) => b.id),
        30,
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    expect(conflicts(results)).toBe(25);
    expect(await state(five.id)).toEqual({ uses: 5, redemptions: 5 });

    const buyer = buyers[0] as TestUser;
    const twice = await createPromo({ perUserLimit: 2 });
    const mine = await redeemAll(twice.id, await pendingOrders([buyer.id], 20));
    expect(mine.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    expect(conflicts(mine)).toBe(18);
    // Refused redemptions gave their use back with their transaction.
    expect(await state(twice.id)).toEqual({ uses: 2, redemptions: 2 });
  });

  it('gives the use back when the checkout transaction fails after redeeming', async () => {
    const buyer = await registerUser();
    const promo = await createPromo({ maxUses: 1 });
    const [order] = await pendingOrders([buyer.id], 1);
    const orderId = order?.id ?? '';
    const failed = await handle.db
      .transaction(async (tx) => {
        await redeemPromo(tx, { promoId: promo.id, userId: buyer.id, orderId, discountMinor: 50 });
        throw new Error('payment provider down');
      })
      .then(
        () => 'committed',
        (err: unknown) => (err instanceof Error ? err.message : String(err)),
      );
    expect(failed).toBe('payment provider down');
    expect(await state(promo.id)).toEqual({ uses: 0, redemptions: 0 });
    await handle.db.transaction((tx) =>
      redeemPromo(tx, { promoId: promo.id, userId: buyer.id, orderId, discountMinor: 50 }),
    );
    expect(await state(promo.id)).toEqual({ uses: 1, redemptions: 1 });
  });

  it('refuses a withdrawn code, a second code on one order and a negative discount', async () => {
    const buyer = await registerUser();
    const [first, second] = await pendingOrders([buyer.id], 2);
    const withdrawn = await createPromo({ active: false });
    const attempt = (promoId: string, orderId: string, discountMinor = 10) =>
      handle.db
        .transaction((tx) => redeemPromo(tx, { promoId, userId: buyer.id, orderId, discountMinor }))
        .then(
          () => 'ok',
          (err: unknown) => (err instanceof ApiError ? err.code : String(err)),
        );
    expect(await attempt(withdrawn.id, first?.id ?? '')).toBe('CONFLICT');
    const a = await createPromo({});
    const b = await createPromo({});
    expect(await attempt(a.id, first?.id ?? '')).toBe('ok');
    expect(await attempt(b.id, first?.id ?? '')).toBe('CONFLICT');
    expect(await state(b.id)).toEqual({ uses: 0, redemptions: 0 });
    expect(await attempt(b.id, second?.id ?? '', -1)).toMatch(/RangeError/);
  });
});
