import {
  createRouter,
  jsonBody,
  jsonResponse,
  problemResponses,
  userRoute,
} from '../platform/openapi';
import { rateLimitByUser } from '../platform/rate-limit';
import { AGENT_WRITE_RULE } from './limits';
import {
  AgentCreateSchema,
  AgentIdParamSchema,
  AgentListSchema,
  AgentPatchSchema,
  AgentSchema,
  SharedAgentSchema,
  ShareLinkSchema,
  ShareTokenParamSchema,
} from './schemas';
import {
  createAgent,
  deleteAgent,
  duplicateAgent,
  duplicateSharedAgent,
  getAgent,
  getSharedAgent,
  listAgents,
  shareAgent,
  unshareAgent,
  updateAgent,
} from './service';

const listRoute = userRoute({
  method: 'get',
  path: '/agents',
  tags: ['agents'],
  summary: 'Built-in agents and your own',
  description:
    'Built-in specialists first, in your profile language, then your agents, most recently changed first.',
  responses: {
    200: jsonResponse(AgentListSchema, 'Agents'),
  },
});

const createAgentRoute = userRoute({
  method: 'post',
  path: '/agents',
  tags: ['agents'],
  summary: 'Create an agent',
  rateLimit: rateLimitByUser(AGENT_WRITE_RULE),
  request: { body: jsonBody(AgentCreateSchema) },
  responses: {
    201: jsonResponse(AgentSchema, 'Created'),
    ...problemResponses(409, 422),
  },
});

const getRoute = userRoute({
  method: 'get',
  path: '/agents/{id}',
  tags: ['agents'],
  summary: 'One agent: a built-in one or your own',
  request: { params: AgentIdParamSchema },
  responses: {
    200: jsonResponse(AgentSchema, 'The agent'),
  },
});

const patchRoute = userRoute({
  method: 'patch',
  path: '/agents/{id}',
  tags: ['agents'],
  summary: 'Change your agent',
  description: 'Built-in agents are read-only (403): duplicate one to adapt it.',
  rateLimit: rateLimitByUser(AGENT_WRITE_RULE),
  request: { params: AgentIdParamSchema, body: jsonBody(AgentPatchSchema) },
  responses: {
    200: jsonResponse(AgentSchema, 'The updated agent'),
    ...problemResponses(403, 422),
  },
});

const deleteRoute = userRoute({
  method: 'delete',
  path: '/agents/{id}',
  tags: ['agents'],
  summary: 'Delete your agent',
  rateLimit: rateLimitByUser(AGENT_WRITE_RULE),
  request: { params: AgentIdParamSchema },
  responses: {
    204: { description: 'Deleted' },
    ...problemResponses(403),
  },
});

const duplicateRoute = userRoute({
  method: 'post',
  path: '/agents/{id}/duplicate',
  tags: ['agents'],
  summary: 'Copy a built-in agent or one of yours into a new agent',
  rateLimit: rateLimitByUser(AGENT_WRITE_RULE),
  request: { params: AgentIdParamSchema },
  responses: {
    201: jsonResponse(AgentSchema, 'The copy, named "<name> (copy)"'),
    ...problemResponses(409),
  },
});

const shareRoute = userRoute({
  method: 'post',
  path: '/agents/{id}/share',
  tags: ['agents'],
  summary: 'Turn on a read-only share link for your agent',
  description:
    'Anyone signed in who has the link can read the agent and copy it. Asking again returns the same link.',
  rateLimit: rateLimitByUser(AGENT_WRITE_RULE),
  request: { params: AgentIdParamSchema },
  responses: {
    200: jsonResponse(ShareLinkSchema, 'The share link'),
    ...problemResponses(403, 409),
  },
});

const unshareRoute = userRoute({
  method: 'delete',
  path: '/agents/{id}/share',
  tags: ['agents'],
  summary: 'Revoke your agent’s share link',
  rateLimit: rateLimitByUser(AGENT_WRITE_RULE),
  request: { params: AgentIdParamSchema },
  responses: {
    204: { description: 'Revoked (or was not shared)' },
    ...problemResponses(403),
  },
});

const sharedRoute = userRoute({
  method: 'get',
  path: '/agents/shared/{token}',
  tags: ['agents'],
  summary: 'Read an agent shared with a link',
  description: 'Read-only; the owner is never revealed.',
  request: { params: ShareTokenParamSchema },
  responses: {
    200: jsonResponse(SharedAgentSchema, 'The shared agent'),
  },
});

const duplicateSharedRoute = userRoute({
  method: 'post',
  path: '/agents/shared/{token}/duplicate',
  tags: ['agents'],
  summary: 'Add an agent shared with a link to your agents',
  rateLimit: rateLimitByUser(AGENT_WRITE_RULE),
  request: { params: ShareTokenParamSchema },
  responses: {
    201: jsonResponse(AgentSchema, 'Your copy'),
    ...problemResponses(409),
  },
});

/** Agents: built-in specialists, your own, duplicates and read-only share links. */
export const agentRoutes = createRouter()
  .openapi(listRoute, async (c) => {
    return c.json({ items: await listAgents(c.var.services, c.var.auth.userId) }, 200);
  })
  .openapi(createAgentRoute, async (c) => {
    return c.json(await createAgent(c.var.services, c.var.auth.userId, c.req.valid('json')), 201);
  })
  .openapi(sharedRoute, async (c) => {
    return c.json(await getSharedAgent(c.var.services, c.req.valid('param').token), 200);
  })
  .openapi(duplicateSharedRoute, async (c) => {
    const { token } = c.req.valid('param');
    return c.json(await duplicateSharedAgent(c.var.services, c.var.auth.userId, token), 201);
  })
  .openapi(getRoute, async (c) => {
    return c.json(await getAgent(c.var.services, c.var.auth.userId, c.req.valid('param').id), 200);
  })
  .openapi(patchRoute, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(
      await updateAgent(c.var.services, c.var.auth.userId, id, c.req.valid('json')),
      200,
    );
  })
  .openapi(deleteRoute, async (c) => {
    await deleteAgent(c.var.services, c.var.auth.userId, c.req.valid('param').id);
    return c.body(null, 204);
  })
  .openapi(duplicateRoute, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(await duplicateAgent(c.var.services, c.var.auth.userId, id), 201);
  })
  .openapi(shareRoute, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(await shareAgent(c.var.services, c.var.auth.userId, id), 200);
  })
  .openapi(unshareRoute, async (c) => {
    await unshareAgent(c.var.services, c.var.auth.userId, c.req.valid('param').id);
    return c.body(null, 204);
  });
