import {
  adminRoute,
  createRouter,
  jsonBody,
  jsonResponse,
  problemResponses,
  publicRoute,
  userRoute,
} from '../platform/openapi';
import { rateLimitByUser } from '../platform/rate-limit';
import { CATALOG_ADMIN_RULE, REVIEW_WRITE_RULE } from './limits';
import { callerOf, optionalAuth, optionalBearer } from './optional-auth';
import {
  AdminReviewPageSchema,
  AdminReviewSchema,
  ModerationQuerySchema,
  ReviewCreateSchema,
  ReviewIdParamSchema,
  ReviewPageSchema,
  ReviewPatchSchema,
  ReviewSchema,
} from './review-schemas';
import {
  createReview,
  listForModeration,
  listReviews,
  moderateReview,
  updateReview,
} from './reviews';
import { PageQuerySchema, ProductIdParamSchema } from './schemas';

const listRoute = publicRoute({
  method: 'get',
  path: '/products/{id}/reviews',
  tags: ['catalog'],
  summary: 'Approved reviews of a product',
  description:
    'No sign-in needed. With an access token, `mine` is your own review whatever its moderation status.',
  security: optionalBearer,
  middleware: [optionalAuth],
  request: { params: ProductIdParamSchema, query: PageQuerySchema },
  responses: {
    200: jsonResponse(ReviewPageSchema, 'A page'),
    ...problemResponses(401),
  },
});

const createReviewRoute = userRoute({
  method: 'post',
  path: '/products/{id}/reviews',
  tags: ['catalog'],
  summary: 'Review a product you bought',
  description:
    'One review per buyer and product (409 for a second); only buyers with a paid order for it (403 otherwise). Shown once a moderator approves it.',
  rateLimit: rateLimitByUser(REVIEW_WRITE_RULE),
  request: { params: ProductIdParamSchema, body: jsonBody(ReviewCreateSchema) },
  responses: {
    201: jsonResponse(ReviewSchema, 'Written, pending moderation'),
    ...problemResponses(403, 409),
  },
});

const patchReviewRoute = userRoute({
  method: 'patch',
  path: '/reviews/{id}',
  tags: ['catalog'],
  summary: 'Change your review',
  description: 'The changed review goes back to moderation.',
  rateLimit: rateLimitByUser(REVIEW_WRITE_RULE),
  request: { params: ReviewIdParamSchema, body: jsonBody(ReviewPatchSchema) },
  responses: {
    200: jsonResponse(ReviewSchema, 'Changed, pending moderation'),
  },
});

const moderationListRoute = adminRoute({
  method: 'get',
  path: '/admin/reviews',
  tags: ['admin', 'catalog'],
  summary: 'Reviews by moderation status (default pending), oldest first',
  request: { query: ModerationQuerySchema },
  responses: {
    200: jsonResponse(AdminReviewPageSchema, 'A page'),
  },
});

const moderate = (action: 'approve' | 'reject') =>
  adminRoute({
    method: 'post',
    path: `/admin/reviews/{id}/${action}`,
    tags: ['admin', 'catalog'],
    summary: action === 'approve' ? 'Approve a review' : 'Reject a review',
    rateLimit: rateLimitByUser(CATALOG_ADMIN_RULE),
    request: { params: ReviewIdParamSchema },
    responses: {
      200: jsonResponse(AdminReviewSchema, 'The review'),
    },
  });

/** Product reviews and their moderation. */
export const reviewRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    const caller = callerOf(c);
    const { id } = c.req.valid('param');
    const page = await listReviews(
      c.var.services,
      id,
      caller?.userId ?? null,
      c.req.valid('query'),
    );
    return c.json(page, 200);
  })
  .openapi(createReviewRoute, async (c) => {
    const { id } = c.req.valid('param');
    const review = await createReview(c.var.services, c.var.auth.userId, id, c.req.valid('json'));
    return c.json(review, 201);
  })
  .openapi(patchReviewRoute, async (c) => {
    const { id } = c.req.valid('param');
    const review = await updateReview(c.var.services, c.var.auth.userId, id, c.req.valid('json'));
    return c.json(review, 200);
  })
  .openapi(moderationListRoute, async (c) => {
    return c.json(await listForModeration(c.var.services, c.req.valid('query')), 200);
  })
  .openapi(moderate('approve'), async (c) => {
    return c.json(await moderateReview(c.var.services, c.req.valid('param').id, 'approved'), 200);
  })
  .openapi(moderate('reject'), async (c) => {
    return c.json(await moderateReview(c.var.services, c.req.valid('param').id, 'rejected'), 200);
  });
