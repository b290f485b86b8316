import { ApiError } from '../platform/errors';
import {
  createRouter,
  jsonBody,
  jsonResponse,
  problemResponses,
  publicRoute,
  userRoute,
} from '../platform/openapi';
import { rateLimitByUser } from '../platform/rate-limit';
import {
  addToCart,
  clearCart,
  getCart,
  mergeVisitorCart,
  removeFromCart,
  setCartQuantity,
} from './cart';
import {
  cartOwnerOf,
  clearCartCookie,
  ensureCartOwner,
  rememberVisitor,
  visitorIdOf,
} from './cart-cookie';
import {
  CartItemAddSchema,
  CartMergedSchema,
  CartProductParamSchema,
  CartQuantitySchema,
  CartSchema,
} from './cart-schemas';
import { CART_WRITE_RULE } from './limits';
import { optionalAuth, optionalBearer, rateLimitByCaller } from './optional-auth';
import { LocaleQuerySchema } from './schemas';

const totalsNote =
  'Totals are recomputed from current catalog prices and stock on every response; prices include VAT.';

/** Cart routes: signed in with a bearer token, or anonymous with the `webox_cart` cookie. */
const getRoute = publicRoute({
  method: 'get',
  path: '/cart',
  tags: ['cart'],
  summary: 'Your cart',
  description: `Signed in: your account's cart. Otherwise the cart of the webox_cart cookie (empty without one). ${totalsNote}`,
  security: optionalBearer,
  middleware: [optionalAuth],
  request: { query: LocaleQuerySchema },
  responses: { 200: jsonResponse(CartSchema, 'The cart'), ...problemResponses(401) },
});

const addRoute = publicRoute({
  method: 'post',
  path: '/cart/items',
  tags: ['cart'],
  summary: 'Add a product to your cart',
  description: `Anonymous callers get a webox_cart cookie on their first add. Refused: a product not on sale (404), a plan quantity above 1 (400), more than the stock left (409 OUT_OF_STOCK), another currency than the cart's or a full cart (409). ${totalsNote}`,
  security: optionalBearer,
  middleware: [optionalAuth],
  csrf: true,
  rateLimit: rateLimitByCaller(CART_WRITE_RULE),
  request: { query: LocaleQuerySchema, body: jsonBody(CartItemAddSchema) },
  responses: {
    200: jsonResponse(CartSchema, 'The cart after the add'),
    ...problemResponses(401, 404, 409),
  },
});

const patchRoute = publicRoute({
  method: 'patch',
  path: '/cart/items/{productId}',
  tags: ['cart'],
  summary: 'Set the quantity of a line (0 removes it)',
  security: optionalBearer,
  middleware: [optionalAuth],
  csrf: true,
  rateLimit: rateLimitByCaller(CART_WRITE_RULE),
  request: {
    params: CartProductParamSchema,
    query: LocaleQuerySchema,
    body: jsonBody(CartQuantitySchema),
  },
  responses: {
    200: jsonResponse(CartSchema, 'The cart after the change'),
    ...problemResponses(401, 409),
  },
});

const removeRoute = publicRoute({
  method: 'delete',
  path: '/cart/items/{productId}',
  tags: ['cart'],
  summary: 'Remove a line',
  security: optionalBearer,
  middleware: [optionalAuth],
  csrf: true,
  rateLimit: rateLimitByCaller(CART_WRITE_RULE),
  request: { params: CartProductParamSchema, query: LocaleQuerySchema },
  responses: {
    200: jsonResponse(CartSchema, 'The cart after the removal'),
    ...problemResponses(401),
  },
});

const clearRoute = publicRoute({
  method: 'delete',
  path: '/cart',
  tags: ['cart'],
  summary: 'Empty your cart',
  security: optionalBearer,
  middleware: [optionalAuth],
  csrf: true,
  rateLimit: rateLimitByCaller(CART_WRITE_RULE),
  responses: { 204: { description: 'Emptied' }, ...problemResponses(401) },
});

const mergeRoute = userRoute({
  method: 'post',
  path: '/cart/merge',
  tags: ['cart'],
  summary: 'Move your anonymous cart into your account',
  description:
    'Call after signing in, sending the webox_cart cookie: its lines are added to your cart (quantities summed, at most 99 per product, 1 per plan), then it is emptied and the cookie removed. Without the cookie nothing changes.',
  csrf: true,
  rateLimit: rateLimitByUser(CART_WRITE_RULE),
  request: { query: LocaleQuerySchema },
  responses: {
    200: jsonResponse(CartMergedSchema, 'Your cart after the merge'),
    ...problemResponses(409),
  },
});

/**
 * The shopping cart: one Cart object per account or anonymous visitor. The cart cookie is an
 * ambient credential, so writes must come from the site itself (requireSameOrigin).
 */
export const cartRoutes = createRouter()
  .openapi(getRoute, async (c) => {
    const owner = cartOwnerOf(c);
    return c.json(await getCart(c.var.services, owner, c.req.valid('query').locale), 200);
  })
  .openapi(addRoute, async (c) => {
    const input = c.req.valid('json');
    const { locale } = c.req.valid('query');
    const { owner, isNew } = ensureCartOwner(c);
    const cart = await addToCart(c.var.services, owner, input, locale);
    if (isNew && owner.kind === 'visitor') rememberVisitor(c, owner.visitorId);
    return c.json(cart, 200);
  })
  .openapi(patchRoute, async (c) => {
    const { productId } = c.req.valid('param');
    const { quantity } = c.req.valid('json');
    const { locale } = c.req.valid('query');
    const owner = cartOwnerOf(c);
    if (!owner) throw new ApiError('NOT_FOUND', 'This product is not in your cart.');
    return c.json(await setCartQuantity(c.var.services, owner, productId, quantity, locale), 200);
  })
  .openapi(removeRoute, async (c) => {
    const { productId } = c.req.valid('param');
    const { locale } = c.req.valid('query');
    const owner = cartOwnerOf(c);
    if (!owner) return c.json(await getCart(c.var.services, null, locale), 200);
    return c.json(await removeFromCart(c.var.services, owner, productId, locale), 200);
  })
  .openapi(clearRoute, async (c) => {
    const owner = cartOwnerOf(c);
    if (owner) await clearCart(c.var.services, owner);
    return c.body(null, 204);
  })
  .openapi(mergeRoute, async (c) => {
    const { locale } = c.req.valid('query');
    const { services } = c.var;
    const userId = c.var.auth.userId;
    const visitorId = visitorIdOf(c);
    if (!visitorId) {
      const cart = await getCart(services, { kind: 'user', userId }, locale);
      return c.json({ ...cart, merged: 0 }, 200);
    }
    const merged = await mergeVisitorCart(services, userId, visitorId, locale);
    clearCartCookie(c);
    return c.json(merged, 200);
  });
