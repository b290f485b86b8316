import { z } from '@hono/zod-openapi';
import { createRouter, jsonResponse, problemResponses, userRoute } from '../platform/openapi';
import { rateLimitByUser } from '../platform/rate-limit';
import { WISHLIST_WRITE_RULE } from './limits';
import { LocaleQuerySchema, ProductSchema } from './schemas';
import { addToWishlist, isInWishlist, listWishlist, removeFromWishlist } from './wishlist';

const ProductParamSchema = z.object({
  productId: z.uuid().openapi({ param: { name: 'productId', in: 'path' } }),
});

const WishlistSchema = z
  .object({
    items: z.array(
      z.object({
        product: ProductSchema,
        available: z.boolean().openapi({ description: 'Still on sale' }),
        addedAt: z.string().openapi({ format: 'date-time' }),
      }),
    ),
  })
  .openapi('Wishlist');

const listRoute = userRoute({
  method: 'get',
  path: '/wishlist',
  tags: ['catalog'],
  summary: 'Your wishlist, most recently added first',
  request: { query: LocaleQuerySchema },
  responses: {
    200: jsonResponse(WishlistSchema, 'Your wishlist'),
  },
});

const getRoute = userRoute({
  method: 'get',
  path: '/wishlist/{productId}',
  tags: ['catalog'],
  summary: 'Whether a product is in your wishlist',
  request: { params: ProductParamSchema },
  responses: {
    200: {
      description: 'The answer',
      content: {
        'application/json': {
          schema: z
            .object({ productId: z.uuid(), inWishlist: z.boolean() })
            .openapi('WishlistEntry'),
        },
      },
    },
  },
});

const putRoute = userRoute({
  method: 'put',
  path: '/wishlist/{productId}',
  tags: ['catalog'],
  summary: 'Add a product to your wishlist',
  rateLimit: rateLimitByUser(WISHLIST_WRITE_RULE),
  request: { params: ProductParamSchema },
  responses: {
    204: { description: 'Added (or already there)' },
    ...problemResponses(409),
  },
});

const deleteRoute = userRoute({
  method: 'delete',
  path: '/wishlist/{productId}',
  tags: ['catalog'],
  summary: 'Remove a product from your wishlist',
  rateLimit: rateLimitByUser(WISHLIST_WRITE_RULE),
  request: { params: ProductParamSchema },
  responses: {
    204: { description: 'Removed (or was not there)' },
  },
});

/** The caller's wishlist. */
export const wishlistRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const { locale } = c.req.valid('query');
    return c.json({ items: await listWishlist(c.var.services, c.var.auth.userId, locale) }, 200);
  })
  .openapi(getRoute, async (c) => {
    const { productId } = c.req.valid('param');
    const inWishlist = await isInWishlist(c.var.services, c.var.auth.userId, productId);
    return c.json({ productId, inWishlist }, 200);
  })
  .openapi(putRoute, async (c) => {
    await addToWishlist(c.var.services, c.var.auth.userId, c.req.valid('param').productId);
    return c.body(null, 204);
  })
  .openapi(deleteRoute, async (c) => {
    await removeFromWishlist(c.var.services, c.var.auth.userId, c.req.valid('param').productId);
    return c.body(null, 204);
  });
