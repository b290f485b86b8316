import { z } from '@hono/zod-openapi';
import {
  adminRoute,
  createRouter,
  jsonBody,
  jsonResponse,
  problemResponses,
} from '../platform/openapi';
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

const listRoute = adminRoute({
  method: 'get',
  path: '/admin/orders',
  tags: ['admin'],
  summary: 'All orders, filtered and paged',
  rateLimit: rateLimitByUser(ORDER_ADMIN_RULE),
  request: { query: AdminOrderQuerySchema },
  responses: {
    200: jsonResponse(AdminOrderPageSchema, 'A page of orders'),
  },
});

const csvRoute = adminRoute({
  method: 'get',
  path: '/admin/orders.csv',
  tags: ['admin'],
  summary: 'Export orders as CSV',
  description: `The same filters as the list; RFC 4180 quoting, formulas neutralised, at most ${CSV_MAX_ROWS} rows, oldest first.`,
  rateLimit: rateLimitByUser(ORDER_ADMIN_RULE),
  request: { query: AdminOrderCsvQuerySchema },
  responses: {
    200: { description: 'The CSV file', content: { 'text/csv': { schema: z.string() } } },
  },
});

const getRoute = adminRoute({
  method: 'get',
  path: '/admin/orders/{id}',
  tags: ['admin'],
  summary: 'Any order in full',
  rateLimit: rateLimitByUser(ORDER_ADMIN_RULE),
  request: { params: OrderIdParamSchema },
  responses: { 200: jsonResponse(OrderSchema, 'The order') },
});

const confirmRoute = adminRoute({
  method: 'post',
  path: '/admin/orders/{id}/confirm-transfer',
  tags: ['admin'],
  summary: 'Record that a bank transfer arrived',
  description:
    'The order becomes paid and fulfilled in one transaction, with its invoice. Only bank-transfer orders still pending (or cancelled for lack of payment); others are a 409.',
  rateLimit: rateLimitByUser(ORDER_ADMIN_RULE),
  request: { params: OrderIdParamSchema },
  responses: {
    200: jsonResponse(OrderSchema, 'The fulfilled order'),
    ...problemResponses(409),
  },
});

const refundRoute = adminRoute({
  method: 'post',
  path: '/admin/orders/{id}/refund',
  tags: ['admin'],
  summary: 'Refund an order, fully or in part',
  description:
    'Through Stripe or PayPal (idempotent provider calls), or recorded as done by hand for a bank transfer. The order becomes refunded or partially_refunded and gets a credit note. Send an Idempotency-Key so that a repeated click refunds once.',
  rateLimit: rateLimitByUser(ORDER_ADMIN_RULE),
  request: {
    params: OrderIdParamSchema,
    headers: OptionalIdempotencyHeaderSchema,
    body: jsonBody(RefundRequestSchema),
  },
  responses: {
    200: jsonResponse(OrderSchema, 'The order after the refund'),
    ...problemResponses(409, 424, 502),
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
