import { z } from '@hono/zod-openapi';
import { ApiError } from '../platform/errors';
import { limitBody } from '../platform/middleware/body-limit';
import {
  adminRoute,
  createRouter,
  jsonBody,
  jsonResponse,
  problemResponses,
} from '../platform/openapi';
import { rateLimitByUser } from '../platform/rate-limit';
import { createCategory, deleteCategory, updateCategory } from './categories';
import {
  addProductImage,
  checkProductImage,
  deleteProductImage,
  PRODUCT_IMAGE_MAX_BYTES,
  PRODUCT_IMAGE_MAX_COUNT,
  PRODUCT_IMAGE_TYPES,
} from './images';
import { CATALOG_ADMIN_RULE, PRODUCT_IMAGE_RULE } from './limits';
import {
  createProduct,
  deactivateProduct,
  getAdminProduct,
  listAdminProducts,
  updateProduct,
} from './products';
import {
  AdminProductListQuerySchema,
  AdminProductPageSchema,
  AdminProductSchema,
  CategoryCreateSchema,
  CategoryIdParamSchema,
  CategoryPatchSchema,
  CategorySchema,
  LocaleQuerySchema,
  ProductCreateSchema,
  ProductIdParamSchema,
  ProductImageParamSchema,
  ProductImageUploadedSchema,
  ProductPatchSchema,
} from './schemas';

const binary = z.string().openapi({ format: 'binary' });
const imageContent = Object.fromEntries(
  PRODUCT_IMAGE_TYPES.map((type) => [type, { schema: binary }]),
);

const listRoute = adminRoute({
  method: 'get',
  path: '/admin/products',
  tags: ['admin', 'catalog'],
  summary: 'Every product, withdrawn ones too',
  request: { query: AdminProductListQuerySchema },
  responses: {
    200: jsonResponse(AdminProductPageSchema, 'A page'),
  },
});

const getRoute = adminRoute({
  method: 'get',
  path: '/admin/products/{id}',
  tags: ['admin', 'catalog'],
  summary: 'One product, as administrators see it',
  request: { params: ProductIdParamSchema, query: LocaleQuerySchema },
  responses: { 200: jsonResponse(AdminProductSchema, 'The product') },
});

const createProductRoute = adminRoute({
  method: 'post',
  path: '/admin/products',
  tags: ['admin', 'catalog'],
  summary: 'Add a product',
  description:
    'Prices are whole minor units, VAT included. A plan needs plan and billingInterval, a credit pack credits > 0, a physical product its stock.',
  rateLimit: rateLimitByUser(CATALOG_ADMIN_RULE),
  request: { body: jsonBody(ProductCreateSchema) },
  responses: {
    201: jsonResponse(AdminProductSchema, 'Added'),
    ...problemResponses(409),
  },
});

const patchProductRoute = adminRoute({
  method: 'patch',
  path: '/admin/products/{id}',
  tags: ['admin', 'catalog'],
  summary: 'Change a product',
  description: 'The kind rules are checked on the product as it will be after the change.',
  rateLimit: rateLimitByUser(CATALOG_ADMIN_RULE),
  request: { params: ProductIdParamSchema, body: jsonBody(ProductPatchSchema) },
  responses: {
    200: jsonResponse(AdminProductSchema, 'Changed'),
    ...problemResponses(409),
  },
});

const deleteProductRoute = adminRoute({
  method: 'delete',
  path: '/admin/products/{id}',
  tags: ['admin', 'catalog'],
  summary: 'Withdraw a product from sale',
  description: 'Sets active to false: orders and reviews keep pointing at it.',
  rateLimit: rateLimitByUser(CATALOG_ADMIN_RULE),
  request: { params: ProductIdParamSchema },
  responses: { 204: { description: 'Withdrawn' } },
});

const uploadImageRoute = adminRoute({
  method: 'put',
  path: '/admin/products/{id}/images',
  tags: ['admin', 'catalog'],
  summary: 'Add an image to a product',
  description: `The raw image is the body: PNG, JPEG, WebP or GIF, at most ${PRODUCT_IMAGE_MAX_BYTES} bytes, ${PRODUCT_IMAGE_MAX_COUNT} images per product. Stored in R2 as sent.`,
  middleware: [limitBody(PRODUCT_IMAGE_MAX_BYTES)],
  rateLimit: rateLimitByUser(PRODUCT_IMAGE_RULE),
  request: { params: ProductIdParamSchema, body: { required: true, content: imageContent } },
  responses: {
    201: jsonResponse(ProductImageUploadedSchema, 'Stored'),
    ...problemResponses(409, 413, 415, 422),
  },
});

const deleteImageRoute = adminRoute({
  method: 'delete',
  path: '/admin/products/{id}/images/{imageId}',
  tags: ['admin', 'catalog'],
  summary: 'Remove an image from a product',
  rateLimit: rateLimitByUser(CATALOG_ADMIN_RULE),
  request: { params: ProductImageParamSchema },
  responses: { 204: { description: 'Removed' } },
});

const createCategoryRoute = adminRoute({
  method: 'post',
  path: '/admin/product-categories',
  tags: ['admin', 'catalog'],
  summary: 'Add a product category',
  rateLimit: rateLimitByUser(CATALOG_ADMIN_RULE),
  request: { body: jsonBody(CategoryCreateSchema) },
  responses: {
    201: jsonResponse(CategorySchema, 'Added'),
    ...problemResponses(409),
  },
});

const patchCategoryRoute = adminRoute({
  method: 'patch',
  path: '/admin/product-categories/{id}',
  tags: ['admin', 'catalog'],
  summary: 'Change a product category',
  rateLimit: rateLimitByUser(CATALOG_ADMIN_RULE),
  request: { params: CategoryIdParamSchema, body: jsonBody(CategoryPatchSchema) },
  responses: {
    200: jsonResponse(CategorySchema, 'Changed'),
    ...problemResponses(409),
  },
});

const deleteCategoryRoute = adminRoute({
  method: 'delete',
  path: '/admin/product-categories/{id}',
  tags: ['admin', 'catalog'],
  summary: 'Delete a product category',
  description: 'Its products and subcategories are kept, without a category.',
  rateLimit: rateLimitByUser(CATALOG_ADMIN_RULE),
  request: { params: CategoryIdParamSchema },
  responses: { 204: { description: 'Deleted' } },
});

/** Catalog administration: products, their images, categories. */
export const adminCatalogRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    return c.json(await listAdminProducts(c.var.services, c.req.valid('query')), 200);
  })
  .openapi(getRoute, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(await getAdminProduct(c.var.services, id, c.req.valid('query').locale), 200);
  })
  .openapi(createProductRoute, async (c) => {
    return c.json(await createProduct(c.var.services, c.req.valid('json')), 201);
  })
  .openapi(patchProductRoute, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(await updateProduct(c.var.services, id, c.req.valid('json')), 200);
  })
  .openapi(deleteProductRoute, async (c) => {
    await deactivateProduct(c.var.services, c.req.valid('param').id);
    return c.body(null, 204);
  })
  .openapi(uploadImageRoute, async (c) => {
    const { id } = c.req.valid('param');
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    // The body limit trusts Content-Length when there is one; the bytes read are checked too.
    if (bytes.length > PRODUCT_IMAGE_MAX_BYTES) {
      throw new ApiError(
        'PAYLOAD_TOO_LARGE',
        `The body is larger than ${PRODUCT_IMAGE_MAX_BYTES} bytes.`,
      );
    }
    const image = checkProductImage(c.req.header('Content-Type'), bytes);
    return c.json(await addProductImage(c.var.services, id, { ...image, bytes }), 201);
  })
  .openapi(deleteImageRoute, async (c) => {
    const { id, imageId } = c.req.valid('param');
    await deleteProductImage(c.var.services, id, imageId);
    return c.body(null, 204);
  })
  .openapi(createCategoryRoute, async (c) => {
    return c.json(await createCategory(c.var.services, c.req.valid('json')), 201);
  })
  .openapi(patchCategoryRoute, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(await updateCategory(c.var.services, id, c.req.valid('json')), 200);
  })
  .openapi(deleteCategoryRoute, async (c) => {
    await deleteCategory(c.var.services, c.req.valid('param').id);
    return c.body(null, 204);
  });
