import { describe, expect, it } from 'vitest';
import { createAdmin } from '../helpers/accounts';
import { call, expectProblem, registerUser } from '../helpers/api';
import { createProduct, insertOrder, readCart } from './helpers';

describe('commerce: security', () => {
  it('prices the cart from the catalogue, whatever the client sends', async () => {
    const admin = await createAdmin();
    const product = await createProduct(admin, { priceMinor: 2500 });
    const user = await registerUser();
    const res = await call('/api/cart/items', {
      token: user.accessToken,
      json: { productId: product.id, quantity: 1, priceMinor: 1, unitPriceMinor: 1 },
    });
    if (res.status === 400) await expectProblem(res, 400, 'VALIDATION_FAILED');
    else expect(res.status, await res.text()).toBeLessThan(300);
    const cart = await readCart({ token: user.accessToken });
    expect(cart.subtotalMinor).toBe(res.status === 400 ? 0 : 2500);
  });

  it('keeps promo codes and review moderation for administrators', async () => {
    const user = await registerUser();
    for (const [method, path, json] of [
      ['POST', '/api/admin/promo-codes', { code: 'FREE100', kind: 'percent', value: 100 }],
      ['GET', '/api/admin/promo-codes', undefined],
      ['GET', '/api/admin/reviews', undefined],
    ] as const) {
      await expectProblem(
        await call(path, { method, json, token: user.accessToken }),
        403,
        'FORBIDDEN',
      );
    }
  });

  it("refuses another user's review edits with a 404", async () => {
    const admin = await createAdmin();
    const product = await createProduct(admin);
    const author = await registerUser();
    await insertOrder(author.id, product.id, 'paid');
    const created = await call(`/api/products/${product.id}/reviews`, {
      token: author.accessToken,
      json: { rating: 5, text: 'Mine' },
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const intruder = await registerUser();
    await expectProblem(
      await call(`/api/reviews/${id}`, {
        method: 'PATCH',
        token: intruder.accessToken,
        json: { rating: 1 },
      }),
      404,
      'NOT_FOUND',
    );
  });
});
