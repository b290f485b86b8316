import {
  adminRoute,
  createRouter,
  jsonBody,
  jsonResponse,
  problemResponses,
  publicRoute,
} from '../platform/openapi';
import { rateLimitByUser } from '../platform/rate-limit';
import { previewPromo } from './cart';
import { cartOwnerOf } from './cart-cookie';
import { CartSchema } from './cart-schemas';
import { CATALOG_ADMIN_RULE, PROMO_TRY_RULE } from './limits';
import { optionalAuth, optionalBearer, rateLimitByCaller } from './optional-auth';
import {
  PromoCodeListSchema,
  PromoCodeSchema,
  PromoCreateSchema,
  PromoIdParamSchema,
  PromoPatchSchema,
  PromoStatsSchema,
  PromoTrySchema,
} from './promo-schemas';
import {
  createPromo,
  deletePromo,
  getPromo,
  listPromos,
  promoStats,
  updatePromo,
} from './promo-service';
import { LocaleQuerySchema } from './schemas';

const previewRoute = publicRoute({
  method: 'post',
  path: '/cart/promo',
  tags: ['cart'],
  summary: 'Preview a promo code on your cart',
  description:
    'The cart with the code’s discount; nothing is redeemed (checkout does that). A refused code is 422 PROMO_REJECTED and errors[0].message is the reason: unknown, inactive, not_started, expired, used_up, per_user_limit, currency_mismatch, out_of_scope or below_minimum. The per-user limit is only known when signed in.',
  security: optionalBearer,
  middleware: [optionalAuth],
  csrf: true,
  rateLimit: rateLimitByCaller(PROMO_TRY_RULE),
  request: { query: LocaleQuerySchema, body: jsonBody(PromoTrySchema) },
  responses: {
    200: jsonResponse(CartSchema, 'The cart with the discount'),
    ...problemResponses(401, 422),
  },
});

const listRoute = adminRoute({
  method: 'get',
  path: '/admin/promo-codes',
  tags: ['admin', 'cart'],
  summary: 'Every promo code, newest first',
  responses: {
    200: jsonResponse(PromoCodeListSchema, 'Codes'),
  },
});

const getRoute = adminRoute({
  method: 'get',
  path: '/admin/promo-codes/{id}',
  tags: ['admin', 'cart'],
  summary: 'One promo code',
  request: { params: PromoIdParamSchema },
  responses: { 200: jsonResponse(PromoCodeSchema, 'The code') },
});

const createPromoRoute = adminRoute({
  method: 'post',
  path: '/admin/promo-codes',
  tags: ['admin', 'cart'],
  summary: 'Create a promo code',
  description:
    'The code is stored upper-cased and is unique (409). percent: value 1–100 % of the products in scope; fixed: value in minor units, at most their subtotal; free_shipping; bogo: every second unit of each product in scope free. Empty productIds and categoryIds mean every product.',
  rateLimit: rateLimitByUser(CATALOG_ADMIN_RULE),
  request: { body: jsonBody(PromoCreateSchema) },
  responses: {
    201: jsonResponse(PromoCodeSchema, 'Created'),
    ...problemResponses(409),
  },
});

const patchPromoRoute = adminRoute({
  method: 'patch',
  path: '/admin/promo-codes/{id}',
  tags: ['admin', 'cart'],
  summary: 'Change a promo code',
  description:
    'maxUses cannot drop below the uses already made. Withdraw a code with active: false.',
  rateLimit: rateLimitByUser(CATALOG_ADMIN_RULE),
  request: { params: PromoIdParamSchema, body: jsonBody(PromoPatchSchema) },
  responses: {
    200: jsonResponse(PromoCodeSchema, 'Changed'),
    ...problemResponses(409),
  },
});

const deletePromoRoute = adminRoute({
  method: 'delete',
  path: '/admin/promo-codes/{id}',
  tags: ['admin', 'cart'],
  summary: 'Delete a promo code nobody used',
  description: 'A used code keeps its history: 409, withdraw it with active: false instead.',
  rateLimit: rateLimitByUser(CATALOG_ADMIN_RULE),
  request: { params: PromoIdParamSchema },
  responses: { 204: { description: 'Deleted' }, ...problemResponses(409) },
});

const statsRoute = adminRoute({
  method: 'get',
  path: '/admin/promo-codes/{id}/stats',
  tags: ['admin', 'cart'],
  summary: 'Uses, uses left, discount given and orders of a promo code',
  request: { params: PromoIdParamSchema },
  responses: {
    200: jsonResponse(PromoStatsSchema, 'Statistics'),
  },
});

/** Promo codes: the cart preview and their administration. */
export const promoRoutes = createRouter()
  .openapi(previewRoute, async (c) => {
    const { code } = c.req.valid('json');
    const { locale } = c.req.valid('query');
    return c.json(await previewPromo(c.var.services, cartOwnerOf(c), code, locale), 200);
  })
  .openapi(listRoute, async (c) => {
    return c.json({ items: await listPromos(c.var.services) }, 200);
  })
  .openapi(getRoute, async (c) => {
    return c.json(await getPromo(c.var.services, c.req.valid('param').id), 200);
  })
  .openapi(createPromoRoute, async (c) => {
    return c.json(await createPromo(c.var.services, c.req.valid('json')), 201);
  })
  .openapi(patchPromoRoute, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(await updatePromo(c.var.services, id, c.req.valid('json')), 200);
  })
  .openapi(deletePromoRoute, async (c) => {
    await deletePromo(c.var.services, c.req.valid('param').id);
    return c.body(null, 204);
  })
  .openapi(statsRoute, async (c) => {
    return c.json(await promoStats(c.var.services, c.req.valid('param').id), 200);
  });
