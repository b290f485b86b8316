import { z } from '@hono/zod-openapi';
import { ApiError } from '../platform/errors';
import { createRouter, jsonResponse, publicRoute } from '../platform/openapi';
import { listCategories } from './categories';
import { PRODUCT_IMAGE_TYPES, readProductImage } from './images';
import { getProduct, listProducts } from './products';
import {
  CategoryListSchema,
  LocaleQuerySchema,
  ProductImageParamSchema,
  ProductListQuerySchema,
  ProductPageSchema,
  ProductSchema,
  ProductSlugParamSchema,
} from './schemas';

const binary = z.string().openapi({ format: 'binary' });
const imageContent = Object.fromEntries(
  PRODUCT_IMAGE_TYPES.map((type) => [type, { schema: binary }]),
);

const listRoute = publicRoute({
  method: 'get',
  path: '/products',
  tags: ['catalog'],
  summary: 'Products on sale',
  description:
    'No sign-in needed. q searches the French and English names and descriptions at once, so "livre" and "book" find the same product. Prices are in minor units (cents), VAT included.',
  request: { query: ProductListQuerySchema },
  responses: {
    200: jsonResponse(ProductPageSchema, 'A page'),
  },
});

const getRoute = publicRoute({
  method: 'get',
  path: '/products/{slug}',
  tags: ['catalog'],
  summary: 'One product on sale',
  request: { params: ProductSlugParamSchema, query: LocaleQuerySchema },
  responses: {
    200: jsonResponse(ProductSchema, 'The product'),
  },
});

const categoriesRoute = publicRoute({
  method: 'get',
  path: '/product-categories',
  tags: ['catalog'],
  summary: 'Product categories, in display order',
  request: { query: LocaleQuerySchema },
  responses: {
    200: jsonResponse(CategoryListSchema, 'Categories'),
  },
});

const imageRoute = publicRoute({
  method: 'get',
  path: '/products/{id}/images/{imageId}',
  tags: ['catalog'],
  summary: 'A product image',
  description: 'Public and immutable: a changed image gets a new id.',
  request: { params: ProductImageParamSchema },
  responses: {
    200: { description: 'The image', content: imageContent },
    304: { description: 'Unchanged since the ETag you sent' },
  },
});

/** The public catalog: products, categories and product images. */
export const productRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    return c.json(await listProducts(c.var.services, c.req.valid('query')), 200);
  })
  .openapi(categoriesRoute, async (c) => {
    const items = await listCategories(c.var.services, c.req.valid('query').locale);
    return c.json({ items }, 200);
  })
  .openapi(getRoute, async (c) => {
    const { slug } = c.req.valid('param');
    return c.json(await getProduct(c.var.services, slug, c.req.valid('query').locale), 200);
  })
  .openapi(imageRoute, async (c) => {
    const { id, imageId } = c.req.valid('param');
    const object = await readProductImage(
      c.var.services,
      id,
      imageId,
      c.req.header('If-None-Match'),
    );
    if (!object) throw new ApiError('NOT_FOUND', 'No such image.');
    const headers = {
      ETag: object.httpEtag,
      'Cache-Control': 'public, max-age=31536000, immutable',
    };
    if (!('body' in object)) return c.body(null, 304, headers);
    return c.body(object.body, 200, {
      ...headers,
      'Content-Type': object.httpMetadata?.contentType ?? 'application/octet-stream',
      'Content-Length': String(object.size),
      'Content-Disposition': 'inline',
      'Content-Security-Policy': "default-src 'none'; sandbox",
    });
  });
