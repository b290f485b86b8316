import { beforeAll, describe, expect, it } from 'vitest';
import { createAdmin } from '../helpers/accounts';
import { call, expectProblem, json, registerUser, type TestUser } from '../helpers/api';
import { png } from '../helpers/profile';
import {
  createCategory,
  createProduct,
  type ProductBody,
  patchProduct,
  uniqueWord,
} from './helpers';

let admin: TestUser;
let user: TestUser;
beforeAll(async () => {
  [admin, user] = await Promise.all([createAdmin(), registerUser()]);
});

const ID = '6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b';

/** Every administrator-only route, with a body that would pass validation. */
const adminRoutes: Array<[string, string, unknown]> = [
  ['GET', '/api/admin/products', undefined],
  ['GET', `/api/admin/products/${ID}`, undefined],
  [
    'POST',
    '/api/admin/products',
    { slug: 'x-y', kind: 'digital', nameFr: 'a', nameEn: 'b', priceMinor: 1 },
  ],
  ['PATCH', `/api/admin/products/${ID}`, { priceMinor: 1 }],
  ['DELETE', `/api/admin/products/${ID}`, undefined],
  ['DELETE', `/api/admin/products/${ID}/images/${ID}`, undefined],
  ['POST', '/api/admin/product-categories', { slug: 'x', nameFr: 'a', nameEn: 'b' }],
  ['PATCH', `/api/admin/product-categories/${ID}`, { nameFr: 'a' }],
  ['DELETE', `/api/admin/product-categories/${ID}`, undefined],
  ['GET', '/api/admin/reviews', undefined],
  ['POST', `/api/admin/reviews/${ID}/approve`, undefined],
  ['POST', `/api/admin/reviews/${ID}/reject`, undefined],
  ['GET', '/api/admin/promo-codes', undefined],
  ['POST', '/api/admin/promo-codes', { code: 'ABC', kind: 'percent', value: 5 }],
  ['GET', `/api/admin/promo-codes/${ID}`, undefined],
  ['PATCH', `/api/admin/promo-codes/${ID}`, { active: false }],
  ['DELETE', `/api/admin/promo-codes/${ID}`, undefined],
  ['GET', `/api/admin/promo-codes/${ID}/stats`, undefined],
];

describe('catalog administration: access', () => {
  it.each(adminRoutes)('%s %s is for administrators only', async (method, path, body) => {
    await expectProblem(await call(path, { method, json: body }), 401, 'UNAUTHORIZED');
    await expectProblem(
      await call(path, { method, json: body, token: user.accessToken }),
      403,
      'FORBIDDEN',
    );
  });

  it('refuses an image upload from a non-administrator before reading it', async () => {
    const product = await createProduct(admin);
    await expectProblem(
      await call(`/api/admin/products/${product.id}/images`, {
        method: 'PUT',
        token: user.accessToken,
        body: new Uint8Array(png(20, 20)),
        headers: { 'Content-Type': 'image/png' },
      }),
      403,
      'FORBIDDEN',
    );
  });
});

describe('catalog administration: products', () => {
  it('creates a product with every field and changes it', async () => {
    const category = await createCategory(admin);
    const slug = uniqueWord('shirt');
    const created = await createProduct(admin, {
      slug,
      kind: 'physical',
      categoryId: category.id,
      nameFr: 'T-shirt',
      nameEn: 'T-shirt',
      descriptionFr: 'Coton',
      descriptionEn: 'Cotton',
      priceMinor: 2490,
      currency: 'EUR',
      taxRateBps: 2000,
      stock: 25,
      stripePriceId: 'price_123',
    });
    expect(created).toMatchObject({
      slug,
      kind: 'physical',
      category: { id: category.id },
      priceMinor: 2490,
      stock: 25,
      stockState: 'in_stock',
      active: true,
      salesCount: 0,
      imageKeys: [],
    });
    const changed = await patchProduct(admin, created.id, { priceMinor: 1990, stock: 2 });
    expect(changed).toMatchObject({ priceMinor: 1990, stock: 2, stockState: 'low_stock' });
    const moved = await patchProduct(admin, created.id, { categoryId: null });
    expect(moved.category).toBeNull();
  });

  it('creates each kind with the fields it needs', async () => {
    expect(
      await createProduct(admin, { kind: 'plan', plan: 'business', billingInterval: 'year' }),
    ).toMatchObject({ kind: 'plan', plan: 'business', billingInterval: 'year' });
    expect(await createProduct(admin, { kind: 'credit_pack', credits: 500 })).toMatchObject({
      credits: 500,
    });
    expect(await createProduct(admin, { kind: 'digital', priceMinor: 0 })).toMatchObject({
      priceMinor: 0,
    });
  });

  it.each([
    [{ priceMinor: -1 }, 'body.priceMinor'],
    [{ priceMinor: 10.5 }, 'body.priceMinor'],
    [{ priceMinor: '1000' }, 'body.priceMinor'],
    [{ currency: 'eur' }, 'body.currency'],
    [{ currency: 'EURO' }, 'body.currency'],
    [{ slug: 'Not A Slug' }, 'body.slug'],
    [{ kind: 'service' }, 'body.kind'],
    [{ taxRateBps: 20_001 }, 'body.taxRateBps'],
    [{ kind: 'plan' }, 'body.plan'],
    [{ kind: 'plan', plan: 'pro' }, 'body.billingInterval'],
    [{ kind: 'digital', plan: 'pro' }, 'body.plan'],
    [{ kind: 'credit_pack' }, 'body.credits'],
    [{ kind: 'credit_pack', credits: 0 }, 'body.credits'],
    [{ kind: 'physical' }, 'body.stock'],
    [{ kind: 'physical', stock: -1 }, 'body.stock'],
    [{ nameFr: '' }, 'body.nameFr'],
    [{ surprise: true }, 'body'],
  ])('refuses %j with a problem naming %s', async (fields, path) => {
    const res = await call('/api/admin/products', {
      token: admin.accessToken,
      json: {
        slug: uniqueWord('v'),
        kind: 'digital',
        nameFr: 'a',
        nameEn: 'b',
        priceMinor: 1,
        ...fields,
      },
    });
    const problem = await expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(problem.errors?.map((issue) => issue.path)).toContain(path);
  });

  it('refuses bad JSON, another content type and a taken slug', async () => {
    const bad = await call('/api/admin/products', {
      token: admin.accessToken,
      body: '{"slug":',
      headers: { 'Content-Type': 'application/json' },
    });
    await expectProblem(bad, 400, 'INVALID_JSON');
    const text = await call('/api/admin/products', {
      token: admin.accessToken,
      body: 'slug=x',
      headers: { 'Content-Type': 'text/plain' },
    });
    await expectProblem(text, 415, 'UNSUPPORTED_MEDIA_TYPE');
    const product = await createProduct(admin);
    const again = await call('/api/admin/products', {
      token: admin.accessToken,
      json: { slug: product.slug, kind: 'digital', nameFr: 'a', nameEn: 'b', priceMinor: 1 },
    });
    await expectProblem(again, 409, 'CONFLICT');
    const other = await createProduct(admin);
    await expectProblem(
      await call(`/api/admin/products/${other.id}`, {
        method: 'PATCH',
        token: admin.accessToken,
        json: { slug: product.slug },
      }),
      409,
      'CONFLICT',
    );
  });

  it('refuses an unknown category', async () => {
    const res = await call('/api/admin/products', {
      token: admin.accessToken,
      json: {
        slug: uniqueWord('v'),
        kind: 'digital',
        nameFr: 'a',
        nameEn: 'b',
        priceMinor: 1,
        categoryId: ID,
      },
    });
    const problem = await expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(problem.errors?.[0]?.path).toBe('body.categoryId');
  });

  it('checks the kind rules on the product as a change would leave it', async () => {
    const product = await createProduct(admin, { kind: 'digital' });
    const toPhysical = await call(`/api/admin/products/${product.id}`, {
      method: 'PATCH',
      token: admin.accessToken,
      json: { kind: 'physical' },
    });
    const problem = await expectProblem(toPhysical, 400, 'VALIDATION_FAILED');
    expect(problem.errors?.[0]?.path).toBe('body.stock');
    expect(await patchProduct(admin, product.id, { kind: 'physical', stock: 4 })).toMatchObject({
      kind: 'physical',
      stock: 4,
    });
    const untracked = await call(`/api/admin/products/${product.id}`, {
      method: 'PATCH',
      token: admin.accessToken,
      json: { stock: null },
    });
    await expectProblem(untracked, 400, 'VALIDATION_FAILED');
    const plan = await createProduct(admin, {
      kind: 'plan',
      plan: 'pro',
      billingInterval: 'month',
    });
    const noInterval = await call(`/api/admin/products/${plan.id}`, {
      method: 'PATCH',
      token: admin.accessToken,
      json: { billingInterval: null },
    });
    await expectProblem(noInterval, 400, 'VALIDATION_FAILED');
  });

  it('answers 404 for unknown products and refuses an empty change', async () => {
    await expectProblem(
      await call(`/api/admin/products/${ID}`, {
        method: 'PATCH',
        token: admin.accessToken,
        json: { priceMinor: 5 },
      }),
      404,
      'NOT_FOUND',
    );
    await expectProblem(
      await call(`/api/admin/products/${ID}`, { method: 'DELETE', token: admin.accessToken }),
      404,
      'NOT_FOUND',
    );
    await expectProblem(
      await call('/api/admin/products/not-a-uuid', { method: 'DELETE', token: admin.accessToken }),
      400,
      'VALIDATION_FAILED',
    );
    const product = await createProduct(admin);
    await expectProblem(
      await call(`/api/admin/products/${product.id}`, {
        method: 'PATCH',
        token: admin.accessToken,
        json: {},
      }),
      400,
      'VALIDATION_FAILED',
    );
  });
});

describe('catalog administration: categories', () => {
  it('creates, renames and deletes a category; its products keep no category', async () => {
    const category = await createCategory(admin, { nameFr: 'Ancien', nameEn: 'Old' });
    const product = await createProduct(admin, { categoryId: category.id });
    const renamed = await call(`/api/admin/product-categories/${category.id}`, {
      method: 'PATCH',
      token: admin.accessToken,
      json: { nameFr: 'Nouveau', sortOrder: 5 },
    });
    expect(renamed.status, await renamed.clone().text()).toBe(200);
    expect(await renamed.json()).toMatchObject({ nameFr: 'Nouveau', nameEn: 'Old', sortOrder: 5 });
    const deleted = await call(`/api/admin/product-categories/${category.id}`, {
      method: 'DELETE',
      token: admin.accessToken,
    });
    expect(deleted.status).toBe(204);
    const after = await json<ProductBody>(await call(`/api/products/${product.slug}`));
    expect(after.category).toBeNull();
    await expectProblem(
      await call(`/api/admin/product-categories/${category.id}`, {
        method: 'DELETE',
        token: admin.accessToken,
      }),
      404,
      'NOT_FOUND',
    );
  });

  it('refuses a taken slug, an unknown parent and loops', async () => {
    const parent = await createCategory(admin);
    const child = await createCategory(admin, { parentId: parent.id });
    const grandchild = await createCategory(admin, { parentId: child.id });
    await expectProblem(
      await call('/api/admin/product-categories', {
        token: admin.accessToken,
        json: { slug: parent.slug, nameFr: 'a', nameEn: 'b' },
      }),
      409,
      'CONFLICT',
    );
    await expectProblem(
      await call('/api/admin/product-categories', {
        token: admin.accessToken,
        json: { slug: uniqueWord('c'), nameFr: 'a', nameEn: 'b', parentId: ID },
      }),
      400,
      'VALIDATION_FAILED',
    );
    for (const loop of [parent.id, grandchild.id]) {
      const problem = await expectProblem(
        await call(`/api/admin/product-categories/${parent.id}`, {
          method: 'PATCH',
          token: admin.accessToken,
          json: { parentId: loop },
        }),
        400,
        'VALIDATION_FAILED',
      );
      expect(problem.errors?.[0]?.path).toBe('body.parentId');
    }
    const moved = await call(`/api/admin/product-categories/${grandchild.id}`, {
      method: 'PATCH',
      token: admin.accessToken,
      json: { parentId: parent.id },
    });
    expect(moved.status, await moved.clone().text()).toBe(200);
    expect(await moved.json()).toMatchObject({ parentId: parent.id });
  });
});
