import { createRouter, jsonResponse, problemResponses, userRoute } from '../platform/openapi';
import { rateLimitByUser } from '../platform/rate-limit';
import { ORDER_WRITE_RULE } from './checkout-limits';
import { cancelOrder, getOrder, listOrders } from './orders';
import {
  OrderIdParamSchema,
  OrderPageQuerySchema,
  OrderPageSchema,
  OrderSchema,
} from './orders-schemas';

const listRoute = userRoute({
  method: 'get',
  path: '/orders',
  tags: ['orders'],
  summary: 'Your orders, newest first',
  request: { query: OrderPageQuerySchema },
  responses: {
    200: jsonResponse(OrderPageSchema, 'A page of orders'),
  },
});

const getRoute = userRoute({
  method: 'get',
  path: '/orders/{id}',
  tags: ['orders'],
  summary: 'One of your orders, with its lines, history and invoices',
  description: 'Someone else’s order is a 404, like one that does not exist.',
  request: { params: OrderIdParamSchema },
  responses: { 200: jsonResponse(OrderSchema, 'The order') },
});

const cancelRoute = userRoute({
  method: 'post',
  path: '/orders/{id}/cancel',
  tags: ['orders'],
  summary: 'Cancel one of your unpaid orders',
  description:
    'Only a pending order: its stock and promo-code use are given back, and its Stripe payment page is closed first (409 if the payment already went through). A paid order is refunded by an administrator instead.',
  rateLimit: rateLimitByUser(ORDER_WRITE_RULE),
  request: { params: OrderIdParamSchema },
  responses: {
    200: jsonResponse(OrderSchema, 'The cancelled order'),
    ...problemResponses(409, 502),
  },
});

/** The buyer's own orders. */
export const orderRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    return c.json(await listOrders(c.var.services, c.var.auth.userId, c.req.valid('query')), 200);
  })
  .openapi(getRoute, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(await getOrder(c.var.services, c.var.auth.userId, id), 200);
  })
  .openapi(cancelRoute, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(await cancelOrder(c.var.services, c.var.auth.userId, id), 200);
  });
