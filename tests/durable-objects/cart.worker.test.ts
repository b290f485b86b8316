import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { type Cart, MAX_LINE_QUANTITY } from '../../durable-objects/cart';

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
});
