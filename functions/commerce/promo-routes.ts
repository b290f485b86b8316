import { createRoute } from '@hono/zod-openapi';
import { requireAdmin, requireAuth } from '../platform/middleware/auth';
import { requireSameOrigin } from '../platform/middleware/same-origin';
import { createRouter, jsonBody, problemResponses } from '../platform/openapi';
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

const security = [{ bearerAuth: [] }];
const promoResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: PromoCodeSchema } },
});

const previewRoute = createRoute({
  method: 'post',
  path: '/cart/promo',
  tags: ['cart'],
  summary: 'Preview a promo code on your cart',
  description:
    'The cart with the code’s discount; nothing is redeemed (checkout does that). A refused code is 422 PROMO_REJECTED and errors[0].message is the reason: unknown, inactive, not_started, expired, used_up, per_user_limit, currency_mismatch, out_of_scope or below_minimum. The per-user limit is only known when signed in.',
  security: optionalBearer,
  middleware: [optionalAuth, requireSameOrigin, rateLimitByCaller(PROMO_TRY_RULE)] as const,
  request: { query: LocaleQuerySchema, body: jsonBody(PromoTrySchema) },
  responses: {
    200: {
      description: 'The cart with the discount',
      content: { 'application/json': { schema: CartSchema } },
    },
    ...problemResponses(400, 401, 403, 413, 415, 422, 429),
  },
});

const listRoute = createRoute({
  method: 'get',
  path: '/admin/promo-codes',
  tags: ['admin', 'cart'],
  summary: 'Every promo code, newest first',
  security,
  middleware: [requireAuth, requireAdmin] as const,
  responses: {
    200: { description: 'Codes', content: { 'application/json': { schema: PromoCodeListSchema } } },
    ...problemResponses(401, 403),
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/admin/promo-codes/{id}',
  tags: ['admin', 'cart'],
  summary: 'One promo code',
  security,
  middleware: [requireAuth, requireAdmin] as const,
  request: { params: PromoIdParamSchema },
  responses: { 200: promoResponse('The code'), ...problemResponses(400, 401, 403, 404) },
});

const createPromoRoute = createRoute({
  method: 'post',
  path: '/admin/promo-codes',
  tags: ['admin', 'cart'],
  summary: 'Create a promo code',
  description:
    'The code is stored upper-cased and is unique (409). percent: value 1–100 % of the products in scope; fixed: value in minor units, at most their subtotal; free_shipping; bogo: every second unit of each product in scope free. Empty productIds and categoryIds mean every product.',
  security,
  middleware: [requireAuth, requireAdmin, rateLimitByUser(CATALOG_ADMIN_RULE)] as const,
  request: { body: jsonBody(PromoCreateSchema) },
  responses: {
    201: promoResponse('Created'),
    ...problemResponses(400, 401, 403, 409, 413, 415, 429),
  },
});

const patchPromoRoute = createRoute({
  method: 'patch',
  path: '/admin/promo-codes/{id}',
  tags: ['admin', 'cart'],
  summary: 'Change a promo code',
  description:
    'maxUses cannot drop below the uses already made. Withdraw a code with active: false.',
  security,
  middleware: [requireAuth, requireAdmin, rateLimitByUser(CATALOG_ADMIN_RULE)] as const,
  request: { params: PromoIdParamSchema, body: jsonBody(PromoPatchSchema) },
  responses: {
    200: promoResponse('Changed'),
    ...problemResponses(400, 401, 403, 404, 409, 413, 415, 429),
  },
});

const deletePromoRoute = createRoute({
  method: 'delete',
  path: '/admin/promo-codes/{id}',
  tags: ['admin', 'cart'],
  summary: 'Delete a promo code nobody used',
  description: 'A used code keeps its history: 409, withdraw it with active: false instead.',
  security,
  middleware: [requireAuth, requireAdmin, rateLimitByUser(CATALOG_ADMIN_RULE)] as const,
  request: { params: PromoIdParamSchema },
  responses: { 204: { description: 'Deleted' }, ...problemResponses(400, 401, 403, 404, 409, 429) },
});

const statsRoute = createRoute({
  method: 'get',
  path: '/admin/promo-codes/{id}/stats',
  tags: ['admin', 'cart'],
  summary: 'Uses, uses left, discount given and orders of a promo code',
  security,
  middleware: [requireAuth, requireAdmin] as const,
  request: { params: PromoIdParamSchema },
  responses: {
    200: {
      description: 'Statistics',
      content: { 'application/json': { schema: PromoStatsSchema } },
    },
    ...problemResponses(400, 401, 403, 404),
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
