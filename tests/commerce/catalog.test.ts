import { beforeAll, describe, expect, it } from 'vitest';
import { createAdmin } from '../helpers/accounts';
import { call, expectProblem, json, registerUser, sql, type TestUser } from '../helpers/api';
import { png } from '../helpers/profile';
import {
  type CategoryBody,
  createCategory,
  createProduct,
  listProducts,
  type ProductBody,
  patchProduct,
  uniqueWord,
} from './helpers';

let admin: TestUser;
beforeAll(async () => {
  admin = await createAdmin();
});

const ids = (page: { items: ProductBody[] }) => page.items.map((item) => item.id);

describe('catalog: search', () => {
  it('finds the same product searching in French ("livre") and in English ("book")', async () => {
    const category = await createCategory(admin);
    const product = await createProduct(admin, {
      categoryId: category.id,
      nameFr: 'Livre de recettes pour l’IA',
      nameEn: 'AI recipe book',
      descriptionFr: 'Des recettes de prompts pour la cuisine.',
      descriptionEn: 'Prompt recipes for cooking.',
    });
    await createProduct(admin, {
      categoryId: category.id,
      nameFr: 'Tasse',
      nameEn: 'Mug',
      descriptionFr: 'Une tasse en céramique.',
      descriptionEn: 'A ceramic mug.',
    });
    const scope = { category: category.slug };
    for (const q of ['livre', 'book', 'livres', 'books', 'recettes', 'recipes']) {
      const page = await listProducts({ ...scope, q });
      expect(ids(page), q).toEqual([product.id]);
      expect(page.total).toBe(1);
    }
    expect(ids(await listProducts({ ...scope, q: 'chaussure' }))).toEqual([]);
    // Web-search syntax: a word that is missing excludes the product.
    expect(ids(await listProducts({ ...scope, q: 'book -recipe' }))).toEqual([]);
    // The whole catalog searched: the product is among the results.
    expect(ids(await listProducts({ q: 'book', limit: '100' }))).toContain(product.id);
  });

  it('searches only products on sale', async () => {
    const word = uniqueWord('zz');
    const product = await createProduct(admin, { nameEn: `Hidden ${word}` });
    expect(ids(await listProducts({ q: word }))).toEqual([product.id]);
    await patchProduct(admin, product.id, { active: false });
    expect(await listProducts({ q: word })).toMatchObject({ items: [], total: 0 });
  });
});

describe('catalog: filters, sort and pages', () => {
  let category: CategoryBody;
  let products: ProductBody[];
  beforeAll(async () => {
    category = await createCategory(admin);
    products = [];
    const specs = [
      { kind: 'digital', priceMinor: 500 },
      { kind: 'credit_pack', priceMinor: 1500, credits: 100 },
      { kind: 'physical', priceMinor: 2500, stock: 3 },
      { kind: 'digital', priceMinor: 3500 },
      { kind: 'plan', priceMinor: 1900, plan: 'pro', billingInterval: 'month' },
    ];
    for (const spec of specs) {
      products.push(await createProduct(admin, { ...spec, categoryId: category.id }));
    }
    const db = sql();
    const sales = [3, 10, 0, 7, 1];
    for (const [i, product] of products.entries()) {
      await db`update products set sales_count = ${sales[i] ?? 0} where id = ${product.id}`;
    }
    await db.end();
  });
  const at = (...indexes: number[]) => indexes.map((i) => products[i]?.id);

  it('sorts by price, newest and popularity', async () => {
    const scope = { category: category.slug };
    expect(ids(await listProducts({ ...scope, sort: 'price_asc' }))).toEqual(at(0, 1, 4, 2, 3));
    expect(ids(await listProducts({ ...scope, sort: 'price_desc' }))).toEqual(at(3, 2, 4, 1, 0));
    expect(ids(await listProducts({ ...scope, sort: 'newest' }))).toEqual(at(4, 3, 2, 1, 0));
    expect(ids(await listProducts(scope))).toEqual(at(4, 3, 2, 1, 0));
    expect(ids(await listProducts({ ...scope, sort: 'popular' }))).toEqual(at(1, 3, 0, 4, 2));
  });

  it('filters by kind and by price range, in minor units', async () => {
    const scope = { category: category.slug, sort: 'price_asc' };
    expect(ids(await listProducts({ ...scope, kind: 'digital' }))).toEqual(at(0, 3));
    expect(ids(await listProducts({ ...scope, minPrice: '1500', maxPrice: '2500' }))).toEqual(
      at(1, 4, 2),
    );
    expect(ids(await listProducts({ ...scope, minPrice: '3000' }))).toEqual(at(3));
    expect(ids(await listProducts({ ...scope, maxPrice: '499' }))).toEqual([]);
  });

  it('pages with a total', async () => {
    const scope = { category: category.slug, sort: 'price_asc', limit: '2' };
    const first = await listProducts({ ...scope, page: '1' });
    expect(first).toMatchObject({ total: 5, page: 1, limit: 2 });
    expect(ids(first)).toEqual(at(0, 1));
    expect(ids(await listProducts({ ...scope, page: '2' }))).toEqual(at(4, 2));
    expect(ids(await listProducts({ ...scope, page: '3' }))).toEqual(at(3));
    expect(await listProducts({ ...scope, page: '4' })).toMatchObject({ items: [], total: 5 });
  });

  it('reports stock state, kind fields and the category', async () => {
    const page = await listProducts({ category: category.slug, sort: 'price_asc', locale: 'en' });
    const byId = new Map(page.items.map((item) => [item.id, item]));
    expect(byId.get(products[2]?.id ?? '')).toMatchObject({
      kind: 'physical',
      stock: 3,
      stockState: 'low_stock',
    });
    expect(byId.get(products[0]?.id ?? '')).toMatchObject({ stock: null, stockState: 'in_stock' });
    expect(byId.get(products[4]?.id ?? '')).toMatchObject({
      kind: 'plan',
      plan: 'pro',
      billingInterval: 'month',
    });
    expect(byId.get(products[1]?.id ?? '')).toMatchObject({ credits: 100 });
    expect(page.items[0]?.category).toEqual({
      id: category.id,
      slug: category.slug,
      name: 'Category',
    });
    // Public listings never show the administrators' fields.
    expect(page.items[0]).not.toHaveProperty('salesCount');
    expect(page.items[0]).not.toHaveProperty('active');
  });

  it('includes subcategories when filtering by a category', async () => {
    const parent = await createCategory(admin);
    const child = await createCategory(admin, { parentId: parent.id });
    const inParent = await createProduct(admin, { categoryId: parent.id });
    const inChild = await createProduct(admin, { categoryId: child.id });
    const found = ids(await listProducts({ category: parent.slug }));
    expect(found.sort()).toEqual([inParent.id, inChild.id].sort());
    expect(ids(await listProducts({ category: child.slug }))).toEqual([inChild.id]);
    expect(await listProducts({ category: uniqueWord('none') })).toMatchObject({ total: 0 });
  });
});

describe('catalog: one product, categories, locale', () => {
  it('answers by slug in French by default and in English on request, with both raw', async () => {
    const product = await createProduct(admin, {
      nameFr: 'Le guide',
      nameEn: 'The guide',
      descriptionFr: 'En français.',
      descriptionEn: 'In English.',
      stock: 0,
    });
    const fr = await call(`/api/products/${product.slug}`);
    expect(fr.status).toBe(200);
    expect(await fr.json()).toMatchObject({
      id: product.id,
      name: 'Le guide',
      description: 'En français.',
      nameEn: 'The guide',
      descriptionEn: 'In English.',
      stockState: 'out_of_stock',
      rating: { average: null, count: 0 },
    });
    const en = await json<ProductBody>(await call(`/api/products/${product.slug}?locale=en`));
    expect(en).toMatchObject({ name: 'The guide', description: 'In English.', nameFr: 'Le guide' });
  });

  it('hides a withdrawn product and answers 404 for unknown ones', async () => {
    const product = await createProduct(admin);
    const deleted = await call(`/api/admin/products/${product.id}`, {
      method: 'DELETE',
      token: admin.accessToken,
    });
    expect(deleted.status).toBe(204);
    await expectProblem(await call(`/api/products/${product.slug}`), 404, 'NOT_FOUND');
    await expectProblem(await call(`/api/products/${uniqueWord('nope')}`), 404, 'NOT_FOUND');
    // Administrators still see it, inactive.
    const adminView = await call(`/api/admin/products/${product.id}`, { token: admin.accessToken });
    expect(await adminView.json()).toMatchObject({ id: product.id, active: false });
    const inactive = await call(`/api/admin/products?status=inactive&limit=100`, {
      token: admin.accessToken,
    });
    expect((await json<{ items: ProductBody[] }>(inactive)).items.map((p) => p.id)).toContain(
      product.id,
    );
  });

  it('lists categories in order with their number of products on sale', async () => {
    const category = await createCategory(admin, {
      nameFr: 'Modèles',
      nameEn: 'Templates',
      sortOrder: 0,
    });
    await createProduct(admin, { categoryId: category.id });
    const withdrawn = await createProduct(admin, { categoryId: category.id });
    await patchProduct(admin, withdrawn.id, { active: false });
    const res = await call('/api/product-categories?locale=en');
    expect(res.status).toBe(200);
    const { items } = await json<{ items: CategoryBody[] }>(res);
    const found = items.find((item) => item.id === category.id);
    expect(found).toMatchObject({ name: 'Templates', nameFr: 'Modèles', productCount: 1 });
    const orders = items.map((item) => item.sortOrder);
    expect(orders).toEqual([...orders].sort((a, b) => a - b));
    const fr = await json<{ items: CategoryBody[] }>(await call('/api/product-categories'));
    expect(fr.items.find((item) => item.id === category.id)?.name).toBe('Modèles');
  });

  it('averages approved reviews only', async () => {
    const product = await createProduct(admin);
    const buyers = await Promise.all([registerUser(), registerUser(), registerUser()]);
    const db = sql();
    const statuses = ['approved', 'approved', 'pending'];
    const ratings = [5, 2, 1];
    for (const [i, buyer] of buyers.entries()) {
      await db`insert into product_reviews (product_id, user_id, rating, status)
               values (${product.id}, ${buyer.id}, ${ratings[i] ?? 1}, ${statuses[i] ?? 'pending'})`;
    }
    await db.end();
    const body = await json<ProductBody>(await call(`/api/products/${product.slug}`));
    expect(body.rating).toEqual({ average: 3.5, count: 2 });
  });
});

describe('catalog: product images', () => {
  it('stores an uploaded image in R2 and serves it publicly', async () => {
    const product = await createProduct(admin);
    const image = png(32, 24);
    const res = await call(`/api/admin/products/${product.id}/images`, {
      method: 'PUT',
      token: admin.accessToken,
      body: new Uint8Array(image),
      headers: { 'Content-Type': 'image/png' },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const uploaded = await json<{ id: string; url: string; width: number; imageUrls: string[] }>(
      res,
    );
    expect(uploaded).toMatchObject({ width: 32, imageUrls: [uploaded.url] });
    expect(uploaded.url).toBe(`/api/products/${product.id}/images/${uploaded.id}`);

    const served = await call(uploaded.url);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('cache-control')).toMatch(/immutable/);
    expect(Buffer.from(await served.arrayBuffer()).equals(image)).toBe(true);
    const etag = served.headers.get('etag') ?? '';
    const again = await call(uploaded.url, { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);

    const db = sql();
    const [row] = await db<{ image_keys: string[] }[]>`
      select array_to_json(image_keys) as image_keys from products where id = ${product.id}`;
    await db.end();
    expect(row?.image_keys).toEqual([`products/${product.id}/${uploaded.id}`]);
    const listed = await json<ProductBody>(await call(`/api/products/${product.slug}`));
    expect(listed.imageUrls).toEqual([uploaded.url]);

    const removed = await call(`/api/admin/products/${product.id}/images/${uploaded.id}`, {
      method: 'DELETE',
      token: admin.accessToken,
    });
    expect(removed.status).toBe(204);
    await expectProblem(await call(uploaded.url), 404, 'NOT_FOUND');
  });

  it('refuses files that are not images, mislabelled images and unknown products', async () => {
    const product = await createProduct(admin);
    const put = (id: string, body: Uint8Array, type: string) =>
      call(`/api/admin/products/${id}/images`, {
        method: 'PUT',
        token: admin.accessToken,
        body: new Uint8Array(body),
        headers: { 'Content-Type': type },
      });
    await expectProblem(
      await put(product.id, new TextEncoder().encode('not an image'), 'image/png'),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    await expectProblem(
      await put(product.id, new Uint8Array(png(20, 20)), 'image/jpeg'),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    await expectProblem(
      await put(product.id, new Uint8Array(png(20, 20)).subarray(0, 40), 'image/png'),
      422,
      'INVALID_IMAGE',
    );
    await expectProblem(
      await put(crypto.randomUUID(), new Uint8Array(png(20, 20)), 'image/png'),
      404,
      'NOT_FOUND',
    );
    // Another product's image id does not reach the object.
    const other = await createProduct(admin);
    const res = await put(other.id, new Uint8Array(png(20, 20)), 'image/png');
    const { id: imageId } = await json<{ id: string }>(res);
    await expectProblem(
      await call(`/api/products/${product.id}/images/${imageId}`),
      404,
      'NOT_FOUND',
    );
  });
});
