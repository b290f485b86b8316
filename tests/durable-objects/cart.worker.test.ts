import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { type Cart, MAX_LINE_QUANTITY, MAX_LINES } from '../../durable-objects/cart';

/**
 * The message of a rejected RPC call. RPC promises are caught with .then here because
 * `expect(...).rejects` leaves the RPC pipeline's own rejection unhandled.
 */
function failure(call: Promise<unknown>): Promise<string> {
  return call.then(
    () => 'resolved',
    (err: unknown) => (err instanceof Error ? err.message : String(err)),
  );
}

const cartFor = (name: string) => env.CART.get(env.CART.idFromName(name));

describe('Cart durable object', () => {
  it('adds, accumulates, sets and removes lines', async () => {
    const cart = cartFor('user:cart-1');
    expect(await cart.list()).toEqual([]);
    await cart.addItem('prod-a', 2);
    const lines = await cart.addItem('prod-a', 3);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ productId: 'prod-a', quantity: 5 });
    await cart.addItem('prod-b', 1);
    expect((await cart.setQuantity('prod-b', 4)).map((l) => [l.productId, l.quantity])).toEqual([
      ['prod-a', 5],
      ['prod-b', 4],
    ]);
    expect(await cart.setQuantity('prod-a', 0)).toHaveLength(1);
    await cart.clear();
    expect(await cart.list()).toEqual([]);
  });

  it('caps quantities and refuses nonsense', async () => {
    const cart = cartFor('user:cart-2');
    expect((await cart.addItem('p', MAX_LINE_QUANTITY))[0]?.quantity).toBe(MAX_LINE_QUANTITY);
    expect((await cart.addItem('p', 5))[0]?.quantity).toBe(MAX_LINE_QUANTITY);
    expect(await failure(cart.addItem('p', 0))).toMatch(/Quantity/);
    expect(await failure(cart.addItem('p', 1.5))).toMatch(/Quantity/);
    expect(await failure(cart.setQuantity('p', -1))).toMatch(/Quantity/);
    expect((await cart.list())[0]?.quantity).toBe(MAX_LINE_QUANTITY);
  });

  it('loses no item when many tabs add at once', async () => {
    const cart = cartFor('user:cart-3');
    await Promise.all(Array.from({ length: 40 }, (_, i) => cart.addItem(`p${i % 8}`, 1)));
    const lines = await cart.list();
    expect(lines).toHaveLength(8);
    expect(lines.reduce((sum, l) => sum + l.quantity, 0)).toBe(40);
  });

  it('merges an anonymous cart and keeps its state in SQLite', async () => {
    const stub = cartFor('user:cart-4');
    await stub.addItem('x', 1);
    await stub.merge([
      { productId: 'x', quantity: 2 },
      { productId: 'y', quantity: 1 },
    ]);
    const rows = await runInDurableObject(stub, (_instance: Cart, state) =>
      state.storage.sql
        .exec<{ product_id: string; quantity: number }>(
          'SELECT product_id, quantity FROM items ORDER BY product_id',
        )
        .toArray(),
    );
    expect(rows).toEqual([
      { product_id: 'x', quantity: 3 },
      { product_id: 'y', quantity: 1 },
    ]);
  });

  it('adds within a ceiling in one step and records the price seen', async () => {
    const cart = cartFor('user:cart-5');
    const first = await cart.add('shirt', 2, { priceSeenMinor: 2490, maxQuantity: 3 });
    expect(first).toMatchObject({ ok: true, lines: [{ productId: 'shirt', quantity: 2 }] });
    expect(first.lines[0]?.priceSeenMinor).toBe(2490);
    const refused = await cart.add('shirt', 2, { priceSeenMinor: 2590, maxQuantity: 3 });
    expect(refused).toMatchObject({ ok: false, reason: 'limit', current: 2 });
    expect((await cart.list())[0]).toMatchObject({ quantity: 2, priceSeenMinor: 2490 });
    const again = await cart.add('shirt', 1, { priceSeenMinor: 2590, maxQuantity: 3 });
    expect(again.lines[0]).toMatchObject({ quantity: 3, priceSeenMinor: 2590 });
    // Racing adds against a ceiling: exactly the ceiling gets in.
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, () => cart.add('mug', 1, { priceSeenMinor: 990, maxQuantity: 4 })),
    );
    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(4);
    expect((await cart.list()).find((line) => line.productId === 'mug')?.quantity).toBe(4);
    expect(await failure(cart.add('mug', 0, { priceSeenMinor: 990, maxQuantity: 9 }))).toMatch(
      /Quantity/,
    );
  });

  it('refuses a new product in a full cart without throwing', async () => {
    const cart = cartFor('user:cart-6');
    await cart.merge(
      Array.from({ length: MAX_LINES }, (_, i) => ({ productId: `p${i}`, quantity: 1 })),
    );
    const outcome = await cart.add('one-more', 1, { priceSeenMinor: 1, maxQuantity: 99 });
    expect(outcome).toMatchObject({ ok: false, reason: 'full' });
    expect(await cart.list()).toHaveLength(MAX_LINES);
    expect((await cart.add('p0', 1, { priceSeenMinor: 1, maxQuantity: 99 })).ok).toBe(true);
    expect(await failure(cart.merge([{ productId: 'extra', quantity: 1 }]))).toMatch(
      /at most 100 different products/,
    );
  });

  it('sets a quantity with the price now seen, and keeps the old one without', async () => {
    const cart = cartFor('user:cart-7');
    await cart.add('a', 1, { priceSeenMinor: 100, maxQuantity: 99 });
    expect((await cart.setQuantity('a', 3))[0]).toMatchObject({ quantity: 3, priceSeenMinor: 100 });
    expect((await cart.setQuantity('a', 2, 120))[0]).toMatchObject({
      quantity: 2,
      priceSeenMinor: 120,
    });
    // A product not in the cart is not created by setting its quantity.
    expect(await cart.setQuantity('b', 2, 50)).toHaveLength(1);
  });

  it('drains once and merges with per-line ceilings and prices', async () => {
    const anon = cartFor('anon:cart-8');
    await anon.add('plan', 1, { priceSeenMinor: 1900, maxQuantity: 1 });
    await anon.add('book', 2, { priceSeenMinor: 1490, maxQuantity: 99 });
    const [taken, second] = await Promise.all([anon.drain(), anon.drain()]);
    const handedOver = [taken, second].filter((lines) => lines.length > 0);
    expect(handedOver).toHaveLength(1);
    expect(await anon.list()).toEqual([]);
    const user = cartFor('user:cart-8');
    await user.add('plan', 1, { priceSeenMinor: 1800, maxQuantity: 1 });
    const merged = await user.merge(
      (handedOver[0] ?? []).map((line) => ({
        productId: line.productId,
        quantity: line.quantity,
        priceSeenMinor: line.priceSeenMinor,
        maxQuantity: line.productId === 'plan' ? 1 : MAX_LINE_QUANTITY,
      })),
    );
    expect(merged.map((line) => [line.productId, line.quantity, line.priceSeenMinor])).toEqual([
      ['plan', 1, 1900],
      ['book', 2, 1490],
    ]);
  });
});
