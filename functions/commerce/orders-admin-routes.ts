import { createRoute, z } from '@hono/zod-openapi';
import { requireAdmin, requireAuth } from '../platform/middleware/auth';
import { createRouter, jsonBody, problemResponses } from '../platform/openapi';
import { rateLimitByUser } from '../platform/rate-limit';
import { ORDER_ADMIN_RULE } from './checkout-limits';
import { getOrderForAdmin } from './orders';
import {
  adminListOrders,
  adminOrdersCsv,
  CSV_MAX_ROWS,
  confirmTransfer,
  refundOrder,
} from './orders-admin';
import {
  AdminOrderCsvQuerySchema,
  AdminOrderPageSchema,
  AdminOrderQuerySchema,
  OptionalIdempotencyHeaderSchema,
  OrderIdParamSchema,
  OrderSchema,
  RefundRequestSchema,
} from './orders-schemas';

const security = [{ bearerAuth: [] }];

const orderResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: OrderSchema } },
});

const listRoute = createRoute({
  method: 'get',
  path: '/admin/orders',
  tags: ['admin'],
  summary: 'All orders, filtered and paged',
  security,
  middleware: [requireAuth, requireAdmin, rateLimitByUser(ORDER_ADMIN_RULE)] as const,
  request: { query: AdminOrderQuerySchema },
  responses: {
    200: {
      description: 'A page of orders',
      content: { 'application/json': { schema: AdminOrderPageSchema } },
    },
    ...problemResponses(400, 401, 403, 429),
  },
});

const csvRoute = createRoute({
  method: 'get',
  path: '/admin/orders.csv',
  tags: ['admin'],
  summary: 'Export orders as CSV',
  description: `The same filters as the list; RFC 4180 quoting, formulas neutralised, at most ${CSV_MAX_ROWS} rows, oldest first.`,
  security,
  middleware: [requireAuth, requireAdmin, rateLimitByUser(ORDER_ADMIN_RULE)] as const,
  request: { query: AdminOrderCsvQuerySchema },
  responses: {
    200: { description: 'The CSV file', content: { 'text/csv': { schema: z.string() } } },
    ...problemResponses(400, 401, 403, 429),
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/admin/orders/{id}',
  tags: ['admin'],
  summary: 'Any order in full',
  security,
  middleware: [requireAuth, requireAdmin, rateLimitByUser(ORDER_ADMIN_RULE)] as const,
  request: { params: OrderIdParamSchema },
  responses: { 200: orderResponse('The order'), ...problemResponses(400, 401, 403, 404, 429) },
});

const confirmRoute = createRoute({
  method: 'post',
  path: '/admin/orders/{id}/confirm-transfer',
  tags: ['admin'],
  summary: 'Record that a bank transfer arrived',
  description:
    'The order becomes paid and fulfilled in one transaction, with its invoice. Only bank-transfer orders still pending (or cancelled for lack of payment); others are a 409.',
  security,
  middleware: [requireAuth, requireAdmin, rateLimitByUser(ORDER_ADMIN_RULE)] as const,
  request: { params: OrderIdParamSchema },
  responses: {
    200: orderResponse('The fulfilled order'),
    ...problemResponses(400, 401, 403, 404, 409, 429),
  },
});

const refundRoute = createRoute({
  method: 'post',
  path: '/admin/orders/{id}/refund',
  tags: ['admin'],
  summary: 'Refund an order, fully or in part',
  description:
    'Through Stripe or PayPal (idempotent provider calls), or recorded as done by hand for a bank transfer. The order becomes refunded or partially_refunded and gets a credit note. Send an Idempotency-Key so that a repeated click refunds once.',
  security,
  middleware: [requireAuth, requireAdmin, rateLimitByUser(ORDER_ADMIN_RULE)] as const,
  request: {
    params: OrderIdParamSchema,
    headers: OptionalIdempotencyHeaderSchema,
    body: jsonBody(RefundRequestSchema),
  },
  responses: {
    200: orderResponse('The order after the refund'),
    ...problemResponses(400, 401, 403, 404, 409, 413, 415, 424, 429, 502),
  },
});

/** Order administration. */
export const adminOrderRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    return c.json(await adminListOrders(c.var.services, c.req.valid('query')), 200);
  })
  .openapi(csvRoute, async (c) => {
    const csv = await adminOrdersCsv(c.var.services, c.req.valid('query'));
    const day = new Date().toISOString().slice(0, 10);
    return c.body(csv, 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="orders-${day}.csv"`,
      'Cache-Control': 'no-store',
    });
  })
  .openapi(getRoute, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(await getOrderForAdmin(c.var.services, id), 200);
  })
  .openapi(confirmRoute, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(await confirmTransfer(c.var.services, c.var.auth.userId, id), 200);
  })
  .openapi(refundRoute, async (c) => {
    const { id } = c.req.valid('param');
    const key = c.req.valid('header')['idempotency-key'];
    const order = await refundOrder(
      c.var.services,
      c.var.auth.userId,
      id,
      c.req.valid('json'),
      key,
    );
    return c.json(order, 200);
  });
