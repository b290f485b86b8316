import { describe, expect, it } from 'vitest';
import { call, json } from '../helpers/api';

interface OpenApiDoc {
  paths: Record<string, Record<string, { security?: unknown[] }>>;
  components: { schemas: Record<string, unknown> };
}

describe('commerce: API documentation', () => {
  it('documents every catalog, cart and promo route', async () => {
    const res = await call('/api/openapi.json');
    expect(res.status, await res.clone().text()).toBe(200);
    const doc = await json<OpenApiDoc>(res);
    const ops = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const commerce = ops.filter((op) =>
      /\/(products?|product-categories|reviews|wishlist|cart|promo-codes)(\/|$)/.test(op),
    );
    expect(commerce.sort()).toEqual(
      [
        'GET /api/products',
        'GET /api/products/{slug}',
        'GET /api/product-categories',
        'GET /api/products/{id}/images/{imageId}',
        'GET /api/products/{id}/reviews',
        'POST /api/products/{id}/reviews',
        'PATCH /api/reviews/{id}',
        'GET /api/admin/reviews',
        'POST /api/admin/reviews/{id}/approve',
        'POST /api/admin/reviews/{id}/reject',
        'GET /api/wishlist',
        'GET /api/wishlist/{productId}',
        'PUT /api/wishlist/{productId}',
        'DELETE /api/wishlist/{productId}',
        'GET /api/cart',
        'DELETE /api/cart',
        'POST /api/cart/items',
        'PATCH /api/cart/items/{productId}',
        'DELETE /api/cart/items/{productId}',
        'POST /api/cart/merge',
        'POST /api/cart/promo',
        'GET /api/admin/products',
        'POST /api/admin/products',
        'GET /api/admin/products/{id}',
        'PATCH /api/admin/products/{id}',
        'DELETE /api/admin/products/{id}',
        'PUT /api/admin/products/{id}/images',
        'DELETE /api/admin/products/{id}/images/{imageId}',
        'POST /api/admin/product-categories',
        'PATCH /api/admin/product-categories/{id}',
        'DELETE /api/admin/product-categories/{id}',
        'GET /api/admin/promo-codes',
        'POST /api/admin/promo-codes',
        'GET /api/admin/promo-codes/{id}',
        'PATCH /api/admin/promo-codes/{id}',
        'DELETE /api/admin/promo-codes/{id}',
        'GET /api/admin/promo-codes/{id}/stats',
      ].sort(),
    );
    for (const name of ['Product', 'Cart', 'PromoCode', 'Review', 'ProductCreate']) {
      expect(doc.components.schemas[name], name).toBeDefined();
    }
    // The public catalog needs no token; the cart takes one or none.
    expect(doc.paths['/api/products']?.get?.security).toBeUndefined();
    expect(doc.paths['/api/cart']?.get?.security).toEqual([{}, { bearerAuth: [] }]);
  });
});
