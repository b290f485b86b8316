import { beforeAll, describe, expect, it } from 'vitest';
import { createAdmin } from '../helpers/accounts';
import { call, expectProblem, json, registerUser, type TestUser } from '../helpers/api';
import { createProduct, insertOrder, type ProductBody, patchProduct } from './helpers';

let admin: TestUser;
beforeAll(async () => {
  admin = await createAdmin();
});

interface ReviewBody {
  id: string;
  productId: string;
  rating: number;
  text: string;
  status: 'pending' | 'approved' | 'rejected';
  authorName: string;
  mine: boolean;
}

interface ReviewPageBody {
  items: ReviewBody[];
  total: number;
  average: number | null;
  mine: ReviewBody | null;
}

function postReview(user: TestUser, productId: string, body: unknown): Promise<Response> {
  return call(`/api/products/${productId}/reviews`, { token: user.accessToken, json: body });
}

async function reviews(productId: string, user?: TestUser): Promise<ReviewPageBody> {
  const res = await call(`/api/products/${productId}/reviews`, { token: user?.accessToken });
  expect(res.status, await res.clone().text()).toBe(200);
  return json<ReviewPageBody>(res);
}

function moderate(reviewId: string, action: 'approve' | 'reject'): Promise<Response> {
  return call(`/api/admin/reviews/${reviewId}/${action}`, {
    method: 'POST',
    token: admin.accessToken,
  });
}

describe('reviews', () => {
  it('lets a buyer review once, shows it to them pending, and publishes it once approved', async () => {
    const product = await createProduct(admin);
    const buyer = await registerUser({ name: 'Camille Buyer' });
    await insertOrder(buyer.id, product.id, 'paid');

    const res = await postReview(buyer, product.id, { rating: 4, text: '  Très utile.  ' });
    expect(res.status, await res.clone().text()).toBe(201);
    const review = await json<ReviewBody>(res);
    expect(review).toMatchObject({
      productId: product.id,
      rating: 4,
      text: 'Très utile.',
      status: 'pending',
      authorName: 'Camille Buyer',
      mine: true,
    });

    // Pending: not public, but its author sees it flagged.
    expect(await reviews(product.id)).toMatchObject({ items: [], total: 0, mine: null });
    expect((await reviews(product.id, buyer)).mine).toMatchObject({
      id: review.id,
      status: 'pending',
    });

    const second = await postReview(buyer, product.id, { rating: 5 });
    await expectProblem(second, 409, 'CONFLICT');

    const queue = await call('/api/admin/reviews?status=pending&limit=100', {
      token: admin.accessToken,
    });
    expect(queue.status).toBe(200);
    const pending = await json<{ items: Array<ReviewBody & { author: { email: string } }> }>(queue);
    expect(pending.items.find((item) => item.id === review.id)).toMatchObject({
      author: { email: buyer.email },
      product: { id: product.id },
    });

    const approved = await moderate(review.id, 'approve');
    expect(approved.status).toBe(200);
    expect(await approved.json()).toMatchObject({ id: review.id, status: 'approved' });
    const listed = await reviews(product.id);
    expect(listed).toMatchObject({ total: 1, average: 4, mine: null });
    expect(listed.items[0]).toMatchObject({
      id: review.id,
      mine: false,
      authorName: 'Camille Buyer',
    });
    const product2 = await json<ProductBody>(await call(`/api/products/${product.slug}`));
    expect(product2.rating).toEqual({ average: 4, count: 1 });
  });

  it('sends a changed review back to moderation, and a rejected one stays private', async () => {
    const product = await createProduct(admin);
    const buyer = await registerUser();
    await insertOrder(buyer.id, product.id, 'fulfilled');
    const review = await json<ReviewBody>(await postReview(buyer, product.id, { rating: 5 }));
    await moderate(review.id, 'approve');
    expect((await reviews(product.id)).total).toBe(1);

    const edited = await call(`/api/reviews/${review.id}`, {
      method: 'PATCH',
      token: buyer.accessToken,
      json: { rating: 1, text: 'Finalement non.' },
    });
    expect(edited.status, await edited.clone().text()).toBe(200);
    expect(await edited.json()).toMatchObject({ rating: 1, status: 'pending' });
    expect((await reviews(product.id)).total).toBe(0);

    const rejected = await moderate(review.id, 'reject');
    expect(await rejected.json()).toMatchObject({ status: 'rejected' });
    expect((await reviews(product.id)).items).toEqual([]);
    expect((await reviews(product.id, buyer)).mine).toMatchObject({ status: 'rejected' });
    const rejectedQueue = await call('/api/admin/reviews?status=rejected&limit=100', {
      token: admin.accessToken,
    });
    const body = await json<{ items: ReviewBody[] }>(rejectedQueue);
    expect(body.items.map((item) => item.id)).toContain(review.id);
  });

  it('refuses non-buyers, unpaid orders and other products', async () => {
    const product = await createProduct(admin);
    const other = await createProduct(admin);
    const stranger = await registerUser();
    await expectProblem(await postReview(stranger, product.id, { rating: 5 }), 403, 'FORBIDDEN');
    const unpaid = await registerUser();
    await insertOrder(unpaid.id, product.id, 'pending');
    await insertOrder(unpaid.id, product.id, 'cancelled');
    await expectProblem(await postReview(unpaid, product.id, { rating: 5 }), 403, 'FORBIDDEN');
    const otherBuyer = await registerUser();
    await insertOrder(otherBuyer.id, other.id, 'paid');
    await expectProblem(await postReview(otherBuyer, product.id, { rating: 5 }), 403, 'FORBIDDEN');
    await expectProblem(
      await postReview(otherBuyer, crypto.randomUUID(), { rating: 5 }),
      404,
      'NOT_FOUND',
    );
  });

  it('validates the rating and the text', async () => {
    const product = await createProduct(admin);
    const buyer = await registerUser();
    await insertOrder(buyer.id, product.id, 'paid');
    for (const body of [
      { rating: 0 },
      { rating: 6 },
      { rating: 4.5 },
      { rating: '5' },
      {},
      { rating: 3, text: 'x'.repeat(4001) },
      { rating: 3, extra: true },
    ]) {
      await expectProblem(await postReview(buyer, product.id, body), 400, 'VALIDATION_FAILED');
    }
    expect(
      (await postReview(buyer, product.id, { rating: 3, text: 'x'.repeat(4000) })).status,
    ).toBe(201);
  });

  it("keeps one buyer's review out of another's hands", async () => {
    const product = await createProduct(admin);
    const [alice, bob] = await Promise.all([registerUser(), registerUser()]);
    await insertOrder(alice.id, product.id, 'paid');
    const review = await json<ReviewBody>(await postReview(alice, product.id, { rating: 5 }));
    await expectProblem(
      await call(`/api/reviews/${review.id}`, {
        method: 'PATCH',
        token: bob.accessToken,
        json: { rating: 1 },
      }),
      404,
      'NOT_FOUND',
    );
    expect((await reviews(product.id, bob)).mine).toBeNull();
    await expectProblem(
      await call(`/api/reviews/${review.id}`, { method: 'PATCH', json: { rating: 1 } }),
      401,
      'UNAUTHORIZED',
    );
    await expectProblem(await moderate(crypto.randomUUID(), 'approve'), 404, 'NOT_FOUND');
  });

  it('hides the reviews of a withdrawn product', async () => {
    const product = await createProduct(admin);
    await patchProduct(admin, product.id, { active: false });
    await expectProblem(await call(`/api/products/${product.id}/reviews`), 404, 'NOT_FOUND');
  });
});

interface WishlistBody {
  items: Array<{ product: ProductBody; available: boolean }>;
}

describe('wishlist', () => {
  it('adds, lists newest first, answers per product and removes', async () => {
    const user = await registerUser();
    const first = await createProduct(admin, { nameFr: 'Premier', nameEn: 'First' });
    const second = await createProduct(admin);
    for (const product of [first, second, first]) {
      const put = await call(`/api/wishlist/${product.id}`, {
        method: 'PUT',
        token: user.accessToken,
      });
      expect(put.status).toBe(204);
    }
    const list = await json<WishlistBody>(
      await call('/api/wishlist?locale=en', { token: user.accessToken }),
    );
    expect(list.items.map((item) => item.product.id)).toEqual([second.id, first.id]);
    expect(list.items[1]).toMatchObject({ available: true, product: { name: 'First' } });

    const one = await call(`/api/wishlist/${first.id}`, { token: user.accessToken });
    expect(await one.json()).toEqual({ productId: first.id, inWishlist: true });

    await patchProduct(admin, second.id, { active: false });
    const after = await json<WishlistBody>(
      await call('/api/wishlist', { token: user.accessToken }),
    );
    expect(after.items[0]).toMatchObject({ available: false, product: { id: second.id } });

    for (let i = 0; i < 2; i++) {
      const removed = await call(`/api/wishlist/${first.id}`, {
        method: 'DELETE',
        token: user.accessToken,
      });
      expect(removed.status).toBe(204);
    }
    const gone = await call(`/api/wishlist/${first.id}`, { token: user.accessToken });
    expect(await gone.json()).toEqual({ productId: first.id, inWishlist: false });
  });

  it('refuses unknown or withdrawn products, and keeps each wishlist to its owner', async () => {
    const [alice, bob] = await Promise.all([registerUser(), registerUser()]);
    await expectProblem(
      await call(`/api/wishlist/${crypto.randomUUID()}`, {
        method: 'PUT',
        token: alice.accessToken,
      }),
      404,
      'NOT_FOUND',
    );
    const withdrawn = await createProduct(admin, { active: false });
    await expectProblem(
      await call(`/api/wishlist/${withdrawn.id}`, { method: 'PUT', token: alice.accessToken }),
      404,
      'NOT_FOUND',
    );
    await expectProblem(
      await call('/api/wishlist/not-a-uuid', { method: 'PUT', token: alice.accessToken }),
      400,
      'VALIDATION_FAILED',
    );
    const product = await createProduct(admin);
    await call(`/api/wishlist/${product.id}`, { method: 'PUT', token: alice.accessToken });
    const bobs = await json<WishlistBody>(await call('/api/wishlist', { token: bob.accessToken }));
    expect(bobs.items).toEqual([]);
    // Bob removing "it" touches only his own (empty) list.
    await call(`/api/wishlist/${product.id}`, { method: 'DELETE', token: bob.accessToken });
    const alices = await json<WishlistBody>(
      await call('/api/wishlist', { token: alice.accessToken }),
    );
    expect(alices.items.map((item) => item.product.id)).toEqual([product.id]);
    for (const [method, path] of [
      ['GET', '/api/wishlist'],
      ['GET', `/api/wishlist/${product.id}`],
      ['PUT', `/api/wishlist/${product.id}`],
      ['DELETE', `/api/wishlist/${product.id}`],
    ] as const) {
      await expectProblem(await call(path, { method }), 401, 'UNAUTHORIZED');
    }
  });
});
